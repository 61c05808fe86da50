import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { GraphQLError, Kind, type FormattedExecutionResult, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { RequestSession } from './createRequestSession.ts';
import { ErrorCode } from './errors.ts';
import { claimIdempotencyKey, recordIdempotentResponse, type IdempotencyClaim, type IdempotentRequest } from './idempotencyKeys.ts';

export interface RequestSessionPluginOptions {
  /** The subgraph's name: its part of a mutation is stored under it. */
  service: string;
  /**
   * Mutations whose answer holds a secret shown once (createApiKey): never stored, so they are
   * not taken with an idempotency key.
   */
  secretMutations?: readonly string[];
}

/** The root fields of an operation by response name (what its response's `data` holds). */
const responseNames = (operation: OperationDefinitionNode) =>
  operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [{ name: s.name.value, key: s.alias?.value ?? s.name.value }] : []));

const answer = (singleResult: FormattedExecutionResult): GraphQLResponse => ({ http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult } });
const refusal = (code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) => answer({ data: null, errors: [{ message, extensions: { code, ...extensions } }] });

/**
 * The transaction of each operation, from first use to its end, with the operation's
 * idempotency key inside it.
 *
 * A mutation that carries an idempotency key claims it before it runs: a retry of a request whose
 * part here already ran is answered with the stored response (`extensions.idempotentReplay`) and
 * runs nothing; the same key on another request is refused (IDEMPOTENCY_KEY_REUSED); otherwise
 * the response is stored in the same transaction as what the mutation wrote, and if it cannot be
 * stored the mutation is rolled back rather than committed unprotected. A subgraph's part is named
 * by the response names of its mutations, which the same client request keeps whatever plan a
 * new gateway makes of it.
 *
 * The transaction always ends before the response leaves. A mutation's is committed (a failed
 * mutation has already rolled back to its savepoint), and a commit that fails turns the response
 * into that error, so a client never sees data that was not saved. A query's transaction is
 * REPEATABLE READ READ ONLY (one snapshot for all its statements, no writes) and is rolled back:
 * a statement that failed does not turn the whole response into its error.
 */
export function useRequestSession<TContext extends { session: RequestSession; idempotency?: IdempotentRequest }>(
  options: RequestSessionPluginOptions,
): ApolloServerPlugin<TContext> {
  const { service, secretMutations = [] } = options;
  return {
    async requestDidStart() {
      let claim: IdempotencyClaim | { kind: 'secret'; field: string } | undefined;
      let part = '';
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (operation?.operation === 'query') contextValue.session.readOnly = true;
          if (!contextValue.idempotency || operation?.operation !== 'mutation') return;
          const fields = responseNames(operation);
          const secret = fields.find((f) => secretMutations.includes(f.name));
          if (secret) return void (claim = { kind: 'secret', field: secret.name });
          part = `${service}:${fields.map((f) => f.key).join(',')}`;
          try {
            claim = await contextValue.session.write((session) => claimIdempotencyKey(session, contextValue.idempotency!, part));
          } catch (error) {
            // The session refused the caller (not a member, a revoked key): every mutation will be
            // refused the same way and write nothing, so there is nothing to keep a key for.
            if (error instanceof GraphQLError && error.extensions.code) return;
            throw error;
          }
        },
        async responseForOperation() {
          if (claim?.kind === 'replay') return answer({ ...claim.response, extensions: { ...claim.response.extensions, idempotentReplay: true } });
          if (claim?.kind === 'reused') return refusal(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used for a different request; send a new key for a new request');
          if (claim?.kind === 'secret') {
            return refusal(ErrorCode.BAD_USER_INPUT, `${claim.field} shows its secret once, so its answer is never stored: send it without an Idempotency-Key`, { field: 'Idempotency-Key' });
          }
          return null;
        },
        async willSendResponse({ contextValue, response, operation }) {
          let failure: unknown;
          let commit = operation?.operation === 'mutation';
          if (claim?.kind === 'run' && response.body.kind === 'single') {
            const { singleResult } = response.body;
            try {
              await contextValue.session.write((session) => recordIdempotentResponse(session, contextValue.idempotency!, part, singleResult));
            } catch (error) {
              [failure, commit] = [error, false];
            }
          }
          try {
            await contextValue.session.finish(commit);
          } catch (error) {
            failure ??= error;
          }
          if (failure === undefined) return;
          if (response.body.kind !== 'single') throw failure;
          const extensions = (failure as { extensions?: Record<string, unknown> }).extensions ?? { code: ErrorCode.INTERNAL };
          const formatted: GraphQLFormattedError = {
            message: extensions.code === ErrorCode.INTERNAL ? 'Internal server error' : (failure as Error).message,
            extensions,
          };
          response.body.singleResult = { errors: [formatted] };
        },
      };
    },
  };
}
