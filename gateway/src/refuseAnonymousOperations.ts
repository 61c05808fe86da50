import { unauthenticated } from '@chief/runtime';
import { isIntrospectionOnly } from './isIntrospectionOnly.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/** A request without credentials may introspect (the context let it through) and nothing else. */
export const refuseAnonymousOperations: OperationGuard = ({ operation, contextValue }) => {
  if (contextValue.identity || contextValue.apiKey || (operation && isIntrospectionOnly(operation))) return;
  throw unauthenticated('Send a bearer token (Authorization: Bearer <token>) or an API key (x-api-key)');
};
