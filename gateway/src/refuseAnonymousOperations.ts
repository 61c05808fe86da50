import { Kind, type OperationDefinitionNode } from 'graphql';
import { unauthenticated } from '@chief/runtime';
import type { OperationGuard } from './useOperationGuards.ts';

/** Only `__schema`, `__type` and `__typename` at the root: nothing a subgraph answers. */
function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/** A request without credentials may introspect (the context let it through) and nothing else. */
export const refuseAnonymousOperations: OperationGuard = ({ operation, contextValue }) => {
  if (contextValue.identity || contextValue.apiKey || (operation && isIntrospectionOnly(operation))) return;
  throw unauthenticated('Send a bearer token (Authorization: Bearer <token>) or an API key (x-api-key)');
};
