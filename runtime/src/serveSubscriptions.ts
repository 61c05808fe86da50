import type { Server } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, getOperationAST, parse, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Config } from './loadConfig.ts';
import type { Logger } from './createLogger.ts';
import { ErrorCode, chiefError, unauthenticated } from './errors.ts';
import { verifiedBearer, type Identity, type InternalTokens } from './identity.ts';
import { acceptWebSockets } from './acceptWebSockets.ts';

/** Close code for sockets a stopping service ends (WebSocket's "Service Restart"). */
export const SERVICE_RESTART = 1012;

export interface SubscriptionServerOptions<TContext> {
  server: Server;
  schema: GraphQLSchema;
  tokens: InternalTokens;
  config: Config;
  logger: Logger;
  /** The context of one subscription, for the subscriber. */
  context(identity: Identity): TContext;
  formatError(error: GraphQLError): GraphQLFormattedError;
}

/**
 * A subgraph's own subscriptions over graphql-ws at /graphql, the way Apollo Router and Hive
 * Gateway subscribe to subgraphs. The socket's connection_init carries a token the gateway signed
 * (`authorization: Bearer ...`). Chief's gateway multiplexes its subscribers over one socket,
 * signed as itself, and names each subscriber in the subscribe message's
 * `extensions.authorization`; a router that passes its client's token in connection_init
 * subscribes as that client. Only subscription operations are served here.
 */
export function serveSubscriptions<TContext>(options: SubscriptionServerOptions<TContext>) {
  const { server, schema, tokens, config, logger, context, formatError } = options;
  const sockets = acceptWebSockets(server, config.limits.bodyBytes);
  const verify = (header: unknown) => verifiedBearer(tokens, header);

  useServer<Record<string, unknown> | undefined, { identity?: Identity }>(
    {
      schema,
      connectionInitWaitTimeout: config.subscriptions.initTimeoutMs,
      onConnect(ctx) {
        const identity = verify(ctx.connectionParams?.authorization);
        if (!identity) return false;
        ctx.extra.identity = identity;
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        const identity = payload.extensions?.authorization !== undefined ? verify(payload.extensions.authorization) : ctx.extra.identity;
        if (!identity || identity.kind === 'gateway') return [unauthenticated('Name the subscriber: a token the gateway signed for them')];
        let document;
        try {
          document = parse(payload.query, { maxTokens: config.limits.tokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [chiefError(ErrorCode.BAD_REQUEST, 'Only subscriptions are served over this socket; send queries and mutations over HTTP')];
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context(identity) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(formatError),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(formatError) } : undefined),
    },
    sockets.wss,
  );

  return {
    /** Ends every socket with SERVICE_RESTART (subscribers resume from their cursors elsewhere). */
    async close(): Promise<void> {
      await sockets.close((socket) => socket.close(SERVICE_RESTART, 'The subgraph is restarting: subscribe again with your last cursor'));
      logger.debug('subscriptions closed');
    },
  };
}
