import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql-ws';
import { GraphQLError, Kind, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { ErrorCode, chiefError, type Config, type InternalTokens, type Logger, type Metrics } from '@chief/runtime';
import type { GatewayContext } from '../gatewayContext.ts';
import { SubscriberQueue } from './SubscriberQueue.ts';
import { SharedSubscriptions } from './SharedSubscriptions.ts';
import { closes, type SocketClose } from './SubscriptionCloseCode.ts';
import type { SubscriptionPlanner } from './SubscriptionPlanner.ts';
import type { UpstreamSubscriptions } from './UpstreamSubscriptions.ts';

export interface SubscriptionEngineOptions {
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

/** A client's connection as the engine sees it: a WebSocket (many subscriptions) or an event stream (one). */
export interface SubscriberConnection {
  request: IncomingMessage;
  /** The connection's credentials, as headers (connection_init's, or the HTTP request's). */
  headers: Record<string, string>;
  subscriptions: number;
  /** Bytes written to the connection that the client has not read yet. */
  bufferedBytes(): number;
  /** Ends the connection the transport's way: a WebSocket close, or the stream's last event. */
  end(close: SocketClose): void;
  open(): boolean;
  expiry?: NodeJS.Timeout;
}

/** What a subscribe message comes to once the pipeline has run. */
export type Prepared =
  | { kind: 'refused'; errors: GraphQLError[] }
  /** A query or mutation: answered already, through the same pipeline. */
  | { kind: 'answered'; result: ExecutionResult }
  /** Holds its places under the caps: `subscribe` takes them over, or `release` gives them back. */
  | { kind: 'accepted'; request: GatewayGraphQLRequestContext; release(): void };

export interface SubscribePayload {
  query?: string | null;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

/** Everything a result depends on besides the operation: the identity, as the subgraphs see it. */
const scopeOf = (context: GatewayContext) => JSON.stringify([context.identity?.kind, context.identity?.userId, context.identity?.apiKeyId, context.identity?.workspaceId, context.identity?.scopes]);

/**
 * Where the subscription starts: from a cursor (its field's `after`, or the stream's
 * Last-Event-ID) or from now; and the variable that holds `after`, if one does.
 */
function startOf(request: GatewayGraphQLRequestContext, resumeAfter: string | undefined): { fromCursor: boolean; variable?: string } {
  const field = request.operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  const after = field?.kind === Kind.FIELD ? field.arguments?.find((argument) => argument.name.value === 'after')?.value : undefined;
  const variable = after?.kind === Kind.VARIABLE ? after.name.value : undefined;
  if (resumeAfter !== undefined) return { fromCursor: true, variable };
  if (!after || after.kind === Kind.NULL) return { fromCursor: false };
  if (!variable) return { fromCursor: true };
  const value = request.request.variables?.[variable];
  return { fromCursor: value !== undefined && value !== null, variable };
}

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-chief-workspace'] as const;

/** The credential headers among a client's connection parameters or request headers. */
export function credentialHeaders(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(CREDENTIAL_HEADERS.flatMap((name) => (typeof params[name] === 'string' ? [[name, params[name] as string]] : [])));
}

/**
 * The gateway's subscriptions, whatever carries them (graphql-ws, or GraphQL over SSE): each
 * subscribe runs Apollo's request pipeline with every guard a query passes (trusted documents,
 * depth, cost, aliases, rate limit, the API key's lookup at core), then is planned
 * (SubscriptionPlanner), subscribed at the owning subgraph under the subscriber's identity, and
 * every event is completed with the subscriber's whole selection. Identical subscriptions share
 * all of that (SharedSubscriptions). Each result carries its event's cursor in
 * `extensions.cursor`.
 */
export function createSubscriptionEngine(options: SubscriptionEngineOptions) {
  const { apollo, context, planner, upstream, tokens, config, logger, metrics, formatError } = options;
  const limits = config.subscriptions;
  const shared = new SharedSubscriptions(metrics, limits.bufferEvents);
  const perUser = new Map<string, number>();

  const end = (connection: SubscriberConnection, how: SocketClose) => {
    if (!connection.open()) return;
    metrics.observeSubscriptionClose(how.code);
    connection.end(how);
  };

  /** A request context for the connection's credentials: the HTTP path's own, rate limit included. */
  const contextFor = (connection: Pick<SubscriberConnection, 'request' | 'headers'>) => {
    const request = Object.create(connection.request, { headers: { value: { ...connection.request.headers, ...connection.headers } } }) as IncomingMessage;
    return context(request, randomUUID());
  };

  /** subscribe's work: the group to join or open, and the subscriber's queue. */
  function startSubscriber(request: GatewayGraphQLRequestContext, connection: SubscriberConnection, release: () => void): SubscriberQueue {
    const gatewayContext = request.context as GatewayContext;
    const planned = planner.plan(request);
    const variables = request.request.variables ?? {};
    const { resumeAfter } = gatewayContext;
    const from = startOf(request, resumeAfter);
    // The identity is the one this subscribe's own pipeline verified (an API key's at core), never the connection's.
    const scope = scopeOf(gatewayContext);
    const { [from.variable ?? '']: _from, ...rest } = variables;
    const keys = {
      key: JSON.stringify([request.queryHash, request.operationName ?? null, variables, resumeAfter ?? null, scope]),
      stream: JSON.stringify([request.queryHash, request.operationName ?? null, from.variable ? rest : variables, scope]),
    };
    let left: (() => void) | undefined;
    const queue = new SubscriberQueue(
      limits.bufferEvents,
      // Bytes the connection has not sent yet count too: a client that reads nothing is closed long before memory grows.
      () => connection.bufferedBytes() > limits.bufferBytes,
      () => end(connection, closes.slowConsumer()),
      () => {
        release();
        left?.();
      },
    );
    left = shared.join(
      keys,
      { queue, close: (how) => end(connection, how) },
      (group) => {
        const { primary } = planned;
        const primaryVariables = Object.fromEntries((primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
        return upstream.subscribe(
          primary.serviceName,
          { query: primary.operation, variables: primaryVariables, operationName: primary.operationName, resumeAfter },
          tokens.sign(gatewayContext.identity!),
          {
            next: (result) => {
              const cursor = result.extensions?.cursor;
              if (result.data) group.event(result.data as Record<string, unknown>, typeof cursor === 'string' ? cursor : undefined);
              else group.errors((result.errors ?? []) as never);
            },
            error: (error) => (Array.isArray(error) ? group.errors(error) : group.ended('lost')),
            complete: () => group.ended('complete'),
          },
        );
      },
      // Each event is a request of its own: a fresh context, so its fetches merge with each other only.
      (data) => planner.resolve(planned, { ...request, context: { ...gatewayContext, requestId: randomUUID(), receivedAt: performance.now(), internalToken: undefined } }, data),
      from.fromCursor,
    );
    return queue;
  }

  return {
    end,

    /**
     * Checks the connection's credentials, and ends the connection when its JWT expires. Refused
     * credentials (or a rate limit) are the error the HTTP path would answer with.
     */
    async authenticate(connection: SubscriberConnection): Promise<{ context: GatewayContext } | { error: GraphQLError }> {
      if (!connection.headers.authorization && !connection.headers['x-api-key']) {
        return { error: chiefError(ErrorCode.UNAUTHENTICATED, 'No authorization was sent: send "authorization: Bearer <token or API key>"') };
      }
      let first: GatewayContext;
      try {
        first = await contextFor(connection);
      } catch (error) {
        return { error: error instanceof GraphQLError ? error : chiefError(ErrorCode.UNAUTHENTICATED, 'The credentials were refused') };
      }
      if (first.expiresAt !== undefined) {
        connection.expiry = setTimeout(() => end(connection, closes.tokenExpired()), Math.max(0, first.expiresAt - Date.now()));
        connection.expiry.unref();
      }
      return { context: first };
    },

    /** The connection is gone: its expiry timer with it. */
    release(connection: SubscriberConnection): void {
      if (connection.expiry) clearTimeout(connection.expiry);
    },

    /**
     * Runs one subscribe through the pipeline, in a context of its own (its credentials checked
     * again, its rate limit counted) unless the transport has just made one (`context`: an event
     * stream's request is its only subscribe). `resumeAfter` (an event stream's Last-Event-ID)
     * takes the place of the field's `after` at the subgraph.
     */
    async prepare(connection: SubscriberConnection, payload: SubscribePayload, given: { context?: GatewayContext; resumeAfter?: string } = {}): Promise<Prepared> {
      if (connection.subscriptions >= limits.perConnection) {
        return { kind: 'refused', errors: [chiefError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `A connection holds at most ${limits.perConnection} subscriptions`)] };
      }
      let contextValue: GatewayContext;
      try {
        contextValue = given.context ?? (await contextFor(connection));
      } catch (error) {
        return { kind: 'refused', errors: [error instanceof GraphQLError ? error : chiefError(ErrorCode.UNAUTHENTICATED, 'The credentials were refused')] };
      }
      const { resumeAfter } = given;
      contextValue.transport = 'subscription';
      contextValue.subscription = {};
      if (resumeAfter !== undefined) contextValue.resumeAfter = resumeAfter;
      const response = await apollo.executeOperation(
        { query: payload.query ?? undefined, variables: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, extensions: payload.extensions ?? undefined },
        { contextValue },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : { errors: [{ message: 'Incremental delivery is not served to subscribers' }] };
      const accepted = contextValue.subscription.accepted;
      if (result.errors?.length) return { kind: 'refused', errors: result.errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions })) };
      if (!accepted) return { kind: 'answered', result: result as ExecutionResult };
      // Checked and taken with no await in between: subscribes racing on one connection or user cannot all pass.
      if (connection.subscriptions >= limits.perConnection) {
        return { kind: 'refused', errors: [chiefError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `A connection holds at most ${limits.perConnection} subscriptions`)] };
      }
      // The identity the pipeline verified (an API key's is set on its own copy of the context).
      const identity = (accepted.context as GatewayContext).identity;
      const user = identity?.apiKeyId ? `key:${identity.apiKeyId}` : `user:${identity?.userId ?? ''}`;
      if ((perUser.get(user) ?? 0) >= limits.perUser) {
        return { kind: 'refused', errors: [chiefError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `A user holds at most ${limits.perUser} subscriptions`)] };
      }
      connection.subscriptions++;
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
      metrics.countSubscribers(1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        connection.subscriptions--;
        metrics.countSubscribers(-1);
        const count = (perUser.get(user) ?? 1) - 1;
        if (count) perUser.set(user, count);
        else perUser.delete(user);
      };
      return { kind: 'accepted', request: accepted, release };
    },

    /**
     * The accepted subscription's results, as the transport sends them; leaving it (return())
     * releases everything. A connection that closed while the subscription was being accepted
     * gets nothing started.
     */
    subscribe({ request, release }: Extract<Prepared, { kind: 'accepted' }>, connection: SubscriberConnection): AsyncIterableIterator<ExecutionResult> {
      if (!connection.open()) {
        release();
        return (async function* () {})();
      }
      try {
        return startSubscriber(request, connection, release);
      } catch (error) {
        // A subscription that cannot start (no plan, no subgraph) gives its places back and says so.
        release();
        logger.error({ err: error }, 'subscription failed to start');
        return (async function* () {
          yield { errors: [chiefError(ErrorCode.INTERNAL, 'Internal server error')] } as ExecutionResult;
        })();
      }
    },

    /** An event's result as the client receives it: its errors formatted as the HTTP path's are. */
    formatResult(result: ExecutionResult): FormattedExecutionResult {
      // An event's errors come from executeQueryPlan (GraphQLErrors) or from the subgraph (already JSON).
      if (!result.errors) return result as FormattedExecutionResult;
      return { ...result, errors: result.errors.map((error) => formatError(error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError), error)) };
    },

    schema: options.schema,

    async close(): Promise<void> {
      await upstream.close();
    },
  };
}

export type SubscriptionEngine = ReturnType<typeof createSubscriptionEngine>;
