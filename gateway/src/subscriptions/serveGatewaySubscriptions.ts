import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import WebSocket from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionResult } from 'graphql-ws';
import { GraphQLError, parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { ErrorCode, acceptWebSockets, chiefError, type Config, type InternalTokens, type Logger, type Metrics } from '@chief/runtime';
import type { GatewayContext } from '../gatewayContext.ts';
import { SubscriberQueue } from './SubscriberQueue.ts';
import { SharedSubscriptions } from './SharedSubscriptions.ts';
import { closes, type SocketClose } from './SubscriptionCloseCode.ts';
import type { SubscriptionPlanner } from './SubscriptionPlanner.ts';
import type { UpstreamSubscriptions } from './UpstreamSubscriptions.ts';

export interface GatewaySubscriptionsOptions {
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  /** The HTTP request context builder: credentials, rate limit. */
  context(request: IncomingMessage, requestId: string): Promise<GatewayContext>;
  planner: SubscriptionPlanner;
  upstream: UpstreamSubscriptions;
  tokens: InternalTokens;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  schema(): GraphQLSchema | undefined;
  /** The gateway's formatError (Apollo's signature), for the errors of each event's result. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

interface Connection {
  socket: WebSocket;
  request: IncomingMessage;
  /** connection_init's credentials, as headers. */
  headers: Record<string, string>;
  subscriptions: number;
  expiry?: NodeJS.Timeout;
}

/** Everything a result depends on besides the operation: the identity, as the subgraphs see it. */
const scopeOf = (context: GatewayContext) => JSON.stringify([context.identity?.kind, context.identity?.userId, context.identity?.apiKeyId, context.identity?.workspaceId, context.identity?.scopes]);

/** What graphql-ws is handed for an operation the pipeline has already answered: a query it hands to `execute`. */
const ANSWERED = parse('query Answered { __typename }');

const header = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Subscriptions at the gateway's /graphql over graphql-ws (`graphql-transport-ws`). The client
 * authenticates in connection_init (`authorization: Bearer <JWT or API key>`, optionally
 * `x-chief-workspace`); each subscribe runs Apollo's request pipeline with every guard a query
 * passes (trusted documents, depth, cost, aliases, rate limit, the API key's lookup at core),
 * then is planned (SubscriptionPlanner), subscribed at the owning subgraph under the subscriber's
 * identity, and every event is completed with the subscriber's whole selection. Identical
 * subscriptions share all of that (SharedSubscriptions). Queries and mutations sent over the
 * socket run as they would over HTTP.
 */
export function serveGatewaySubscriptions(options: GatewaySubscriptionsOptions) {
  const { server, apollo, context, planner, upstream, tokens, config, logger, metrics, formatError } = options;
  const limits = config.subscriptions;
  const sockets = acceptWebSockets(server, config.limits.bodyBytes);
  const shared = new SharedSubscriptions(metrics, limits.bufferEvents);
  const perUser = new Map<string, number>();
  const connections = new WeakMap<object, Connection>();

  const close = (socket: WebSocket, { code, reason }: SocketClose) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    metrics.observeSubscriptionClose(code);
    socket.close(code, reason);
  };

  /** A request context for the socket's credentials: the HTTP path's own, rate limit included. */
  const contextFor = (connection: Pick<Connection, 'request' | 'headers'>) => {
    const request = Object.create(connection.request, { headers: { value: { ...connection.request.headers, ...connection.headers } } }) as IncomingMessage;
    return context(request, randomUUID());
  };

  useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>(
    {
      connectionInitWaitTimeout: limits.initTimeoutMs,
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const headers = Object.fromEntries(
          (['authorization', 'x-api-key', 'x-chief-workspace'] as const).flatMap((name) => (header(params[name]) !== undefined ? [[name, header(params[name])!]] : [])),
        );
        const { socket, request } = ctx.extra;
        if (!headers.authorization && !headers['x-api-key']) {
          close(socket, closes.unauthenticated('connection_init carries no authorization'));
          return false;
        }
        let first: GatewayContext;
        try {
          first = await contextFor({ request, headers });
        } catch (error) {
          const message = error instanceof GraphQLError ? error.message : 'The credentials were refused';
          close(socket, closes.unauthenticated(message));
          return false;
        }
        const connection: Connection = { socket, request, headers, subscriptions: 0 };
        if (first.expiresAt !== undefined) {
          connection.expiry = setTimeout(() => close(socket, closes.tokenExpired()), Math.max(0, first.expiresAt - Date.now()));
          connection.expiry.unref();
        }
        connections.set(ctx, connection);
        return true;
      },
      onClose(ctx) {
        const connection = connections.get(ctx);
        if (connection?.expiry) clearTimeout(connection.expiry);
      },
      async onSubscribe(ctx, _id, payload) {
        const connection = connections.get(ctx);
        if (!connection) return [chiefError(ErrorCode.UNAUTHENTICATED, 'Not connected')];
        if (connection.subscriptions >= limits.perConnection) {
          return [chiefError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `A connection holds at most ${limits.perConnection} subscriptions`)];
        }
        let contextValue: GatewayContext;
        try {
          contextValue = await contextFor(connection);
        } catch (error) {
          return [error instanceof GraphQLError ? error : chiefError(ErrorCode.UNAUTHENTICATED, 'The credentials were refused')];
        }
        contextValue.transport = 'websocket';
        contextValue.subscription = {};
        const response = await apollo.executeOperation(
          { query: payload.query, variables: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, extensions: payload.extensions ?? undefined },
          { contextValue },
        );
        const result = response.body.kind === 'single' ? response.body.singleResult : { errors: [{ message: 'Incremental delivery is not served over this socket' }] };
        const accepted = contextValue.subscription.accepted;
        if (!accepted || result.errors?.length) {
          if (result.errors?.length) return result.errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }));
          // A query or mutation: answered already, through the same pipeline.
          return { schema: options.schema()!, document: ANSWERED, contextValue: { answered: result } };
        }
        const user = contextValue.identity?.apiKeyId ?? contextValue.identity?.userId ?? '';
        if ((perUser.get(user) ?? 0) >= limits.perUser) return [chiefError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `A user holds at most ${limits.perUser} subscriptions`)];
        return { schema: options.schema()!, document: accepted.document, operationName: accepted.operationName ?? undefined, variableValues: accepted.request.variables, contextValue: { subscription: accepted, connection, user } };
      },
      // An event's errors come from executeQueryPlan (GraphQLErrors) or from the subgraph (already JSON).
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatError(error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError), error)) } : undefined,
      execute: (args) => (args.contextValue as { answered: ExecutionResult }).answered,
      subscribe: (args) => {
        const { subscription, connection, user } = args.contextValue as { subscription: GatewayGraphQLRequestContext; connection: Connection; user: string };
        return subscribe(subscription, connection, user);
      },
    },
    sockets.wss,
  );

  function subscribe(request: GatewayGraphQLRequestContext, connection: Connection, user: string): AsyncIterableIterator<ExecutionResult> {
    const gatewayContext = request.context as GatewayContext;
    const planned = planner.plan(request);
    const variables = request.request.variables ?? {};
    // The identity is the one this subscribe's own pipeline verified (an API key's at core), never the socket's.
    const key = JSON.stringify([request.queryHash, request.operationName ?? null, variables, scopeOf(gatewayContext)]);
    connection.subscriptions++;
    perUser.set(user, (perUser.get(user) ?? 0) + 1);
    let left: (() => void) | undefined;
    const queue = new SubscriberQueue(
      limits.bufferEvents,
      // Bytes the socket has not sent yet count too: a client that reads nothing is closed long before memory grows.
      () => connection.socket.bufferedAmount > limits.bufferBytes,
      () => close(connection.socket, closes.slowConsumer()),
      () => {
        connection.subscriptions--;
        const count = (perUser.get(user) ?? 1) - 1;
        if (count) perUser.set(user, count);
        else perUser.delete(user);
        left?.();
      },
    );
    const subscriber = {
      queue,
      close: (how: SocketClose) => close(connection.socket, how),
    };
    left = shared.join(
      key,
      subscriber,
      (group) => {
        const { primary } = planned;
        const primaryVariables = Object.fromEntries((primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
        return upstream.subscribe(primary.serviceName, { query: primary.operation, variables: primaryVariables, operationName: primary.operationName }, tokens.sign(gatewayContext.identity!), {
          next: (result) => (result.data ? group.event(result.data as Record<string, unknown>) : group.errors((result.errors ?? []) as never)),
          error: (error) => (Array.isArray(error) ? group.errors(error) : group.ended('lost')),
          complete: () => group.ended('complete'),
        });
      },
      // Each event is a request of its own: a fresh context, so its fetches merge with each other only.
      (data) => planner.resolve(planned, { ...request, context: { ...gatewayContext, requestId: randomUUID(), receivedAt: performance.now(), internalToken: undefined } }, data),
    );
    return queue;
  }

  return {
    /** Ends every socket with ServerRestarting: clients reconnect (elsewhere) with their cursors. */
    async close(): Promise<void> {
      await sockets.close((socket) => close(socket, closes.restarting()));
      await upstream.close();
      logger.debug('subscriptions closed');
    },
  };
}
