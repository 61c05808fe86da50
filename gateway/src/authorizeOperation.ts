import { forbidden, unauthenticated, withHttpStatus, type InternalTokens } from '@chief/runtime';
import type { Authenticator } from './createAuthenticator.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * The last guard: looks up a presented API key at core (only now, once the operation has passed
 * every cheaper check), signs the identity the subgraphs will trust, and refuses mutations from
 * read-only credentials before any subgraph runs.
 */
export function authorizeOperation(authenticator: Authenticator, tokens: InternalTokens): OperationGuard {
  return async ({ operation, contextValue }) => {
    const { apiKey } = contextValue;
    if (apiKey && !contextValue.identity) {
      const identity = await authenticator.authenticateApiKey(apiKey.key, apiKey.workspace, contextValue.requestId);
      if (!identity) throw unauthenticated('The API key is invalid, revoked or expired');
      contextValue.identity = identity;
      contextValue.internalToken = await tokens.sign(identity);
    }
    if (operation?.operation === 'mutation' && !contextValue.identity?.scopes.includes('write')) {
      throw withHttpStatus(forbidden('This credential is read-only: it may run queries, not mutations'), 403);
    }
  };
}
