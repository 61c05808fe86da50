import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestSession } from './createRequestSession.ts';
import { ErrorCode } from './errors.ts';
import { claimIdempotencyKey, fingerprintOf, recordIdempotentResponse, type IdempotencyClaim, type IdempotentRequest } from './idempotencyKeys.ts';

/**
 * The transaction of each operation, from first use to its end, with the operation's
 * idempotency key inside it.
 *
 * A mutation that carries an idempotency key claims it before it runs: a retry of a request whose
 * part here already ran is answered with the stored response (`extensions.idempotentReplay`) and
 * runs nothing; the same key on another request is refused (IDEMPOTENCY_KEY_REUSED); otherwise
 * the response is stored in the same transaction as what the mutation wrote.
 *
 * The transaction ends before the response leaves. A mutation's is committed (a failed mutation
 * has already rolled back to its savepoint), and a commit that fails turns the response into that
 * error, so a client never sees data that was not saved. A query writes nothing, so its
 * transaction is rolled back: a statement that failed cannot take the other fields' data with it.
 */
export function useRequestSession<TContext extends { session: RequestSession; idempotency?: IdempotentRequest }>(service: string): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let claim: IdempotencyClaim | undefined;
      let fetch = '';
      return {
        async didResolveOperation({ contextValue, operation, request, source }) {
          if (!contextValue.idempotency || operation?.operation !== 'mutation') return;
          fetch = fingerprintOf([service, source, request.operationName ?? null, request.variables ?? {}]);
          claim = await claimIdempotencyKey(await contextValue.session.get(), contextValue.idempotency, fetch);
        },
        async responseForOperation() {
          const answer = (singleResult: FormattedExecutionResult): GraphQLResponse => ({ http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult } });
          if (claim?.kind === 'replay') return answer({ ...claim.response, extensions: { ...claim.response.extensions, idempotentReplay: true } });
          if (claim?.kind === 'reused') {
            return answer({
              data: null,
              errors: [{ message: 'This Idempotency-Key was used for a different request; send a new key for a new request', extensions: { code: ErrorCode.IDEMPOTENCY_KEY_REUSED } }],
            });
          }
          return null;
        },
        async willSendResponse({ contextValue, response, operation }) {
          try {
            if (claim?.kind === 'run' && response.body.kind === 'single') {
              await recordIdempotentResponse(await contextValue.session.get(), contextValue.idempotency!, fetch, response.body.singleResult);
            }
            await contextValue.session.finish(operation?.operation === 'mutation');
          } catch (error) {
            if (response.body.kind !== 'single') throw error;
            const extensions = (error as { extensions?: Record<string, unknown> }).extensions ?? { code: 'INTERNAL' };
            const formatted: GraphQLFormattedError = {
              message: extensions.code === 'INTERNAL' ? 'Internal server error' : (error as Error).message,
              extensions,
            };
            response.body.singleResult = { errors: [formatted] };
          }
        },
      };
    },
  };
}
