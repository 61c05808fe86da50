import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_PATTERN, badUserInput, fingerprintOf, withHttpStatus } from '@chief/runtime';
import type { GatewayContext } from './gatewayContext.ts';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * Takes a mutation's `Idempotency-Key` header (printable ASCII, at most 255 characters; refused
 * otherwise) with a fingerprint of the whole request (document, operation name, variables), which
 * every subgraph fetch of the operation carries. The subgraphs keep each part's response with the
 * key, in the mutation's own transaction. A query's key is ignored: reads are idempotent already.
 */
export const acceptIdempotencyKey: OperationGuard = ({ request, operation, source, contextValue }) => {
  const key = request.http?.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === undefined || operation?.operation !== 'mutation') return;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw withHttpStatus(badUserInput('Idempotency-Key', 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces, such as a UUID'), 400);
  }
  contextValue.idempotency = { key, fingerprint: fingerprintOf([source, request.operationName ?? null, request.variables ?? {}]), replayed: false };
};

/**
 * Tells the client how its key was used: `Idempotent-Replayed: true` when a subgraph answered from
 * a stored response, and HTTP 422 when the key belongs to another request and nothing ran.
 */
export function useIdempotencyOutcome(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.idempotency || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (contextValue.idempotency.replayed) response.http.headers.set('idempotent-replayed', 'true');
          const reused = errors?.some((e) => e.extensions?.code === ErrorCode.IDEMPOTENCY_KEY_REUSED);
          if (reused && Object.values(data ?? {}).every((value) => value === null)) response.http.status = 422;
        },
      };
    },
  };
}
