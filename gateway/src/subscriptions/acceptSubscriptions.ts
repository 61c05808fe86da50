import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../gatewayContext.ts';

/**
 * ApolloGateway as Apollo Server runs it, except for subscriptions: those reach the executor
 * only from a subscription socket (requireExecutableOperation refuses them over HTTP) and only
 * once every guard has passed; the executor then hands the request to the socket, which
 * subscribes (createSubscriptionEngine), instead of ApolloGateway's, which cannot.
 */
export function acceptSubscriptions(gateway: ApolloGateway): GatewayInterface {
  return {
    async load(options) {
      const { schema, executor } = await gateway.load(options);
      return {
        schema,
        executor: async (request) => {
          const box = (request.context as GatewayContext).subscription;
          if (request.operation.operation !== 'subscription' || !box) return executor(request);
          box.accepted = request;
          return {};
        },
      };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
  };
}
