import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { GatewayContext } from './gatewayContext.ts';

/** A check on a parsed and validated operation, before any subgraph sees it; throws to refuse. */
export type OperationGuard = (request: GraphQLRequestContextDidResolveOperation<GatewayContext>) => Promise<void> | void;

/**
 * Runs the gateway's guards one after another, in the order given. Apollo runs every plugin's
 * hooks concurrently, so separate plugins could not promise that a cheap refusal (a limit)
 * comes before a costly step (looking an API key up at core).
 */
export function useOperationGuards(guards: OperationGuard[]): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          for (const guard of guards) await guard(request);
        },
      };
    },
  };
}
