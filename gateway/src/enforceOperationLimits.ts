import { GraphQLError } from 'graphql';
import { ErrorCode, chiefError, type Config } from '@chief/runtime';
import { measureOperation } from './measureOperation.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * Refuses operations deeper, more aliased or costlier than the configured limits. Each refusal
 * has its own code and says what was measured against which limit.
 */
export function enforceOperationLimits(limits: Config['limits']): OperationGuard {
  return ({ request, document, operation, schema }) => {
    if (!operation) return; // Apollo answers that no operation matched
    let size;
    try {
      size = measureOperation(schema, document, operation, request.variables ?? {});
    } catch (error) {
      // Variables that do not coerce: refused here as Apollo would refuse them (BAD_USER_INPUT,
      // HTTP 400, the field named from the message), so no later guard does work for them.
      if (error instanceof GraphQLError) throw chiefError(ErrorCode.BAD_USER_INPUT, error.message, { http: { status: 400 } });
      throw error;
    }
    const checks = [
      [ErrorCode.ALIAS_LIMIT_EXCEEDED, 'aliases', size.aliases, limits.aliases, `uses ${size.aliases} aliases`],
      [ErrorCode.DEPTH_LIMIT_EXCEEDED, 'depth', size.depth, limits.depth, `is ${size.depth} levels deep`],
      [ErrorCode.COST_LIMIT_EXCEEDED, 'cost', size.cost, limits.cost, `costs ${size.cost} (list fields count their page size)`],
    ] as const;
    for (const [code, measure, value, limit, what] of checks) {
      if (value > limit) throw chiefError(code, `The operation ${what}; the limit is ${limit}`, { [measure]: value, limit });
    }
  };
}
