import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestSession } from './createRequestSession.ts';

/**
 * Ends each operation's transaction before the response leaves: committed, since a failed
 * mutation has already rolled back to its savepoint. A commit that fails turns the response
 * into that error, so a client never sees data that was not saved.
 */
export function useRequestSession<TContext extends { session: RequestSession }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          try {
            await contextValue.session.finish(true);
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
