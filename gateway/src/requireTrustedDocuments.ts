import { ErrorCode, chiefError, type Config } from '@chief/runtime';
import { isIntrospectionOnly } from './isIntrospectionOnly.ts';
import type { TrustedDocuments } from './loadTrustedDocuments.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * With trusted documents required, a restricted client runs only operations in the manifest,
 * sent in full or by hash. The client is the one the caller's verified token was issued to (its
 * `azp` or `client_id` claim), never a header the caller could leave out; with no clients named,
 * every caller is restricted. Introspection is left to the INTROSPECTION switch, so the explorer
 * keeps its documentation where introspection is on.
 */
export function requireTrustedDocuments(config: Config['trustedDocuments'], documents: TrustedDocuments): OperationGuard {
  const restricted = (client: string | undefined) => config.clients.length === 0 || (client !== undefined && config.clients.includes(client));
  return ({ queryHash, operation, contextValue }) => {
    if (!config.required || !restricted(contextValue.clientId) || (operation && isIntrospectionOnly(operation))) return;
    if (!documents.has(queryHash)) {
      throw chiefError(ErrorCode.OPERATION_NOT_TRUSTED, 'This client may only send the operations listed in its trusted documents manifest', { queryHash });
    }
  };
}
