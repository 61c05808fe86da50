import { forbidden, unauthenticated, withHttpStatus } from '@chief/runtime';
import type { Authenticator } from './createAuthenticator.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * The last guard: looks up a presented API key at core (only now, once the operation has passed
 * every cheaper check), and refuses mutations from
 * read-only credentials before any subgraph runs.
 */
export function authorizeOperation(authenticator: Authenticator): OperationGuard {
  return async ({ operation, contextValue }) => {
    const { apiKey } = contextValue;
    if (apiKey && !contextValue.identity) {
      const identity = await authenticator.authenticateApiKey(apiKey.key, apiKey.workspace, contextValue.requestId);
      if (!identity) throw unauthenticated('The API key is invalid, revoked or expired');
      contextValue.identity = identity;
    }
    if (operation?.operation === 'mutation' && !contextValue.identity?.scopes.includes('write')) {
      throw withHttpStatus(forbidden('This credential is read-only: it may run queries, not mutations'), 403);
    }
  };
}
