import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, chiefError, type Config } from '@chief/runtime';
import { measureOperation, type OperationSize } from './measureOperation.ts';
import type { ListSizes } from './readListSizes.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * Refuses operations deeper, more aliased or costlier than the configured limits, and page
 * arguments out of range, before any subgraph runs. Each refusal has its own code and says what
 * was measured against which limit. `listSizes` follows the loaded supergraph.
 */
export function enforceOperationLimits(limits: Config['limits'], maxPageSize: number, listSizes: () => ListSizes): OperationGuard {
  // An operation without variables measures the same every time (for the same supergraph), and
  // Apollo keeps one parsed document per query text: measured once, by its operation's node.
  const measured = new WeakMap<OperationDefinitionNode, { sizes: ListSizes; size: OperationSize }>();
  const measure = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) => {
    const sizes = listSizes();
    if (operation.variableDefinitions?.length) return measureOperation(schema, document, operation, variables, { listSizes: sizes, maxPageSize });
    const known = measured.get(operation);
    if (known?.sizes === sizes) return known.size;
    const size = measureOperation(schema, document, operation, variables, { listSizes: sizes, maxPageSize });
    measured.set(operation, { sizes, size });
    return size;
  };
  return ({ request, document, operation, schema }) => {
    if (!operation) return; // Apollo answers that no operation matched
    let size;
    try {
      size = measure(schema, document, operation, request.variables ?? {});
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      if (error.extensions.code) throw error;
      // Variables that do not coerce: refused here as Apollo would refuse them (BAD_USER_INPUT,
      // HTTP 400, the field named from the message), so no later guard does work for them.
      throw chiefError(ErrorCode.BAD_USER_INPUT, error.message, { http: { status: 400 } });
    }
    const checks = [
      [ErrorCode.ALIAS_LIMIT_EXCEEDED, 'aliases', size.aliases, limits.aliases, `uses ${size.aliases} aliases`],
      [ErrorCode.DEPTH_LIMIT_EXCEEDED, 'depth', size.depth, limits.depth, `is ${size.depth} levels deep`],
      [ErrorCode.COST_LIMIT_EXCEEDED, 'cost', size.cost, limits.cost, `costs ${size.cost} (lists count their size times what each item selects)`],
    ] as const;
    for (const [code, measure, value, limit, what] of checks) {
      if (value > limit) throw chiefError(code, `The operation ${what}; the limit is ${limit}`, { [measure]: value, limit });
    }
  };
}
