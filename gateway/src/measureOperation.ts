import { getNamedType, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '@chief/runtime';

export interface OperationSize {
  /** Deepest field nesting, introspection excluded. */
  depth: number;
  /** Fields asked for under another response name. */
  aliases: number;
  /** Fields counted once each, list fields multiplied by their page size (`first`). */
  cost: number;
}

/**
 * How big an operation is, measured before anything runs: a list field costs its page size
 * times what it selects, so `tasks(first: 100) { assignee { assignedTasks(first: 100) } }`
 * costs about 10,000, not 3.
 */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): OperationSize {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  let aliases = 0;
  // Depth and aliases follow fragment spreads; validation has already ruled out cycles.
  const walk = (selectionSet: SelectionSetNode, depth: number): number => {
    let deepest = depth;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        if (selection.alias) aliases++;
        deepest = Math.max(deepest, selection.selectionSet ? walk(selection.selectionSet, depth + 1) : depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) deepest = Math.max(deepest, walk(fragment.selectionSet, depth));
      }
    }
    return deepest;
  };
  const depth = walk(operation.selectionSet, 0);
  const cost = getComplexity({
    schema,
    query: document,
    variables,
    operationName: operation.name?.value,
    estimators: [
      ({ field, args, childComplexity }) => {
        if (field.name.startsWith('__')) return 0;
        if (!getNamedType(field.type).name.endsWith('Connection')) return 1 + childComplexity;
        // An explicit `first: null` gets the lists' default page size, as the resolvers give it.
        const pageSize = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
        return pageSize * (1 + childComplexity);
      },
    ],
  });
  return { depth, aliases, cost };
}
