import type { IncomingMessage, Server } from 'node:http';
import WebSocket from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionResult } from 'graphql-ws';
import { parse } from 'graphql';
import { ErrorCode, acceptWebSockets, chiefError, type Config, type Logger } from '@chief/runtime';
import { closes } from './SubscriptionCloseCode.ts';
import { credentialHeaders, type Prepared, type SubscriberConnection, type SubscriptionEngine } from './createSubscriptionEngine.ts';

/** What graphql-ws is handed for an operation the pipeline has already answered: a query it hands to `execute`. */
const ANSWERED = parse('query Answered { __typename }');

/**
 * Subscriptions at the gateway's /graphql over graphql-ws (`graphql-transport-ws`). The client
 * authenticates in connection_init (`authorization: Bearer <JWT or API key>`, optionally
 * `x-chief-workspace`); each subscribe goes through the engine. Queries and mutations sent over
 * the socket run as they would over HTTP.
 */
export function serveGraphQLWs(server: Server, engine: SubscriptionEngine, config: Config, logger: Logger) {
  const sockets = acceptWebSockets(server, config.limits.bodyBytes);
  const connections = new WeakMap<object, SubscriberConnection>();
  const bySocket = new WeakMap<WebSocket, SubscriberConnection>();

  useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>(
    {
      connectionInitWaitTimeout: config.subscriptions.initTimeoutMs,
      async onConnect(ctx) {
        const { socket, request } = ctx.extra;
        const connection: SubscriberConnection = {
          request,
          headers: credentialHeaders(ctx.connectionParams ?? {}),
          subscriptions: 0,
          bufferedBytes: () => socket.bufferedAmount,
          end: ({ code, reason }) => socket.close(code, reason),
          open: () => socket.readyState === WebSocket.OPEN,
        };
        const authenticated = await engine.authenticate(connection);
        if ('error' in authenticated) {
          engine.end(connection, closes.unauthenticated(authenticated.error.message));
          return false;
        }
        // Gone while its credentials were checked: nothing of it may stay (the expiry timer).
        if (!connection.open()) {
          engine.release(connection);
          return false;
        }
        connections.set(ctx, connection);
        bySocket.set(socket, connection);
        return true;
      },
      onClose(ctx) {
        const connection = connections.get(ctx);
        if (connection) engine.release(connection);
      },
      async onSubscribe(ctx, _id, payload) {
        const connection = connections.get(ctx);
        if (!connection) return [chiefError(ErrorCode.UNAUTHENTICATED, 'Not connected')];
        const prepared = await engine.prepare(connection, payload);
        if (prepared.kind === 'refused') return prepared.errors;
        const schema = engine.schema()!;
        if (prepared.kind === 'answered') return { schema, document: ANSWERED, contextValue: prepared };
        const { request } = prepared;
        return { schema, document: request.document, operationName: request.operationName ?? undefined, variableValues: request.request.variables, contextValue: { prepared, connection } };
      },
      onNext: (_ctx, _id, _payload, _args, result) => engine.formatResult(result),
      execute: (args) => (args.contextValue as { result: ExecutionResult }).result,
      subscribe: (args) => {
        const { prepared, connection } = args.contextValue as { prepared: Extract<Prepared, { kind: 'accepted' }>; connection: SubscriberConnection };
        return engine.subscribe(prepared, connection);
      },
    },
    sockets.wss,
  );

  return {
    /** Ends every socket with ServerRestarting: clients reconnect (elsewhere) with their cursors. */
    async close(): Promise<void> {
      await sockets.close((socket) => {
        const connection = bySocket.get(socket);
        if (connection) engine.end(connection, closes.restarting());
        else if (socket.readyState === WebSocket.OPEN) socket.close(closes.restarting().code, closes.restarting().reason);
      });
      logger.debug('graphql-ws subscriptions closed');
    },
  };
}
