import type { Server } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, getOperationAST, parse, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Config } from './loadConfig.ts';
import type { Logger } from './createLogger.ts';
import { ErrorCode, chiefError, unauthenticated } from './errors.ts';
import { bearerExpiresAt, verifiedBearer, type Identity, type InternalTokens } from './identity.ts';
import { acceptWebSockets } from './acceptWebSockets.ts';
import type { LiveScope } from './logSubscription.ts';

/** Close code for sockets a stopping service ends (WebSocket's "Service Restart"). */
export const SERVICE_RESTART = 1012;

/** Close code for a socket that outlived its token (the gateway's SubscriptionCloseCode.TokenExpired). */
export const TOKEN_EXPIRED = 4440;

export interface SubscriptionServerOptions<TContext> {
  server: Server;
  schema: GraphQLSchema;
  tokens: InternalTokens;
  config: Config;
  logger: Logger;
  /** The context of one subscription, for the subscriber, resuming after `resumeAfter` when the gateway names it. */
  context(identity: Identity, resumeAfter: string | undefined): TContext;
  formatError(error: GraphQLError): GraphQLFormattedError;
}

/**
 * A subgraph's own subscriptions over graphql-ws at /graphql, the way Apollo Router and Hive
 * Gateway subscribe to subgraphs. The socket's connection_init carries a token the gateway signed
 * (`authorization: Bearer ...`). Chief's gateway multiplexes its subscribers over one socket,
 * signed as itself, and names each subscriber in the subscribe message's
 * `extensions.authorization`; a router that passes its client's token in connection_init
 * subscribes as that client. A subscribe's `extensions.resumeAfter` (an SSE client's Last-Event-ID,
 * passed on) takes the place of the field's `after`. Each result carries the cursor of its event
 * in `extensions.cursor`, selected or not. Only subscription operations are served here.
 */
export function serveSubscriptions<TContext>(options: SubscriptionServerOptions<TContext>) {
  const { server, schema, tokens, config, logger, context, formatError } = options;
  const sockets = acceptWebSockets(server, config.limits.bodyBytes);
  const verify = (header: unknown) => verifiedBearer(tokens, header);

  useServer<Record<string, unknown> | undefined, { identity?: Identity; expiry?: NodeJS.Timeout }>(
    {
      schema,
      connectionInitWaitTimeout: config.subscriptions.initTimeoutMs,
      onConnect(ctx) {
        const { socket } = ctx.extra;
        const authorization = ctx.connectionParams?.authorization;
        const identity = verify(authorization);
        if (!identity) {
          // 4401, not graphql-ws's 4403 for a refused connection: clients retry 4403, and a bad token stays bad.
          socket.close(4401, 'Unauthorized: connection_init must carry a token the gateway signed');
          return false;
        }
        ctx.extra.identity = identity;
        // A router subscribing as its client ends with the client's token (Chief's gateway, signed as
        // itself, names each subscriber per subscribe, and ends its clients' sockets itself).
        if (identity.kind !== 'gateway') {
          ctx.extra.expiry = setTimeout(() => socket.close(TOKEN_EXPIRED, 'The token expired: reconnect with a fresh one and resume with your last cursor'), Math.max(0, bearerExpiresAt(authorization as string) - Date.now()));
          ctx.extra.expiry.unref();
        }
        return true;
      },
      onClose(ctx) {
        clearTimeout(ctx.extra.expiry);
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
        const resumeAfter = payload.extensions?.resumeAfter;
        if (resumeAfter !== undefined && typeof resumeAfter !== 'string') return [chiefError(ErrorCode.BAD_REQUEST, 'extensions.resumeAfter is a cursor (a string)')];
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context(identity, resumeAfter) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(formatError),
      onNext: (_ctx, _id, _payload, args, result) => {
        const cursor = (args.contextValue as { live?: LiveScope }).live?.cursor;
        return {
          ...result,
          ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
          ...(cursor && result.data ? { extensions: { ...result.extensions, cursor } } : {}),
        };
      },
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
