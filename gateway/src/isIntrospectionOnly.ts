import { Kind, type OperationDefinitionNode } from 'graphql';

/**
 * Only `__schema`, `__type` and `__typename` at the root: the gateway answers it alone, no
 * subgraph runs, and whether it is allowed is the INTROSPECTION switch's business.
 */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}
