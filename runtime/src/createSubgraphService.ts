import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import type { SqlClient } from '@chief/db';
import type { Config } from './loadConfig.ts';
import { createErrorFormatter, unauthenticated } from './errors.ts';
import { translateDatabaseError } from './databaseErrors.ts';
import { bearerToken, createInternalTokens, verifiedBearer, type Identity } from './identity.ts';
import { RequestSession, requestScope } from './createRequestSession.ts';
import { LoaderRegistry } from './LoaderRegistry.ts';
import { createHttpServer, sendJson, type RouteHandler, type RunningServer } from './createHttpServer.ts';
import { useRequestSession } from './sessionPlugin.ts';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_PATTERN, REQUEST_FINGERPRINT_HEADER, type IdempotentRequest } from './idempotencyKeys.ts';
import type { Logger } from './createLogger.ts';
import { createMetrics, type Metrics } from './createMetrics.ts';
import { createLiveScope, type LiveScope } from './logSubscription.ts';
import { serveSubscriptions } from './serveSubscriptions.ts';
import { createCompiledExecution } from './createCompiledExecution.ts';
import { listenForLogWrites, relayLogWritesThroughRedis } from './logWakeups.ts';

/** What every subgraph resolver receives. */
export interface SubgraphContext {
  identity: Identity;
  /** The mutation's idempotency key and request fingerprint, as the gateway passed them on. */
  idempotency?: IdempotentRequest;
  session: RequestSession;
  loaders: LoaderRegistry;
  config: Config;
  logger: Logger;
  /** In a subscription only: the log, followed for the subscriber (see logSubscription). */
  live?: LiveScope;
}

export interface SubgraphServiceOptions {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext>;
  sql: SqlClient;
  config: Config;
  logger: Logger;
  /** Served at /metrics; the process entry counts the pool's statements in it. */
  metrics?: Metrics;
  /**
   * Endpoints for the gateway alone (POST, JSON in and out), e.g. core's API-key check; they
   * answer only requests carrying the gateway's own signed token.
   */
  gatewayEndpoints?: Record<string, (body: unknown) => Promise<unknown>>;
  /** Mutations whose answer holds a secret shown once: never stored for an idempotency key. */
  secretMutations?: readonly string[];
}

/**
 * A subgraph as a service: its federated schema behind Apollo Server on node:http. Every request
 * must carry the gateway's signed token; without one the answer is UNAUTHENTICATED and no
 * resolver runs, `_entities` and `_service` included.
 */
export function createSubgraphService(options: SubgraphServiceOptions) {
  const { name, typeDefs, resolvers, sql, config, logger, metrics = createMetrics(name), gatewayEndpoints = {}, secretMutations = [] } = options;
  const tokens = createInternalTokens(config.subgraphSecret);
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const formatError = createErrorFormatter({
    includeStack: config.isDevelopment,
    onInternal: (error) => logger.error({ err: error }, 'internal error'),
    // A database refusal outside a mutation (a query's statement) still has a client meaning.
    translate: (error) => translateDatabaseError(error, 'arguments'),
  });
  const apollo = new ApolloServer<SubgraphContext>({
    // Queries and mutations run compiled (see createCompiledExecution); subscriptions through graphql-js.
    gateway: createCompiledExecution(schema, { compileAfter: config.compileAfter, logger }),
    // The process entry points own SIGTERM: they close the HTTP server and the pool, then exit 0.
    stopOnTerminationSignals: false,
    formatError,
    includeStacktraceInErrorResponses: config.isDevelopment,
    introspection: true,
    // No cache hints are given, so no plugin wraps every resolver to collect them.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), useRequestSession<SubgraphContext>({ service: name, secretMutations })],
  });

  async function context(request: IncomingMessage, requestId: string): Promise<SubgraphContext> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthenticated('This subgraph only answers requests signed by the gateway');
    const identity = tokens.verify(token);
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    const fingerprint = request.headers[REQUEST_FINGERPRINT_HEADER];
    const session = new RequestSession(sql, identity, { statementTimeoutMs: config.limits.timeoutMs });
    // The request's scope knows its session, so network clients can tell a transaction is open.
    const scope = requestScope.getStore();
    if (scope) scope.session = session;
    return {
      identity,
      ...(typeof key === 'string' && IDEMPOTENCY_KEY_PATTERN.test(key) && typeof fingerprint === 'string' ? { idempotency: { key, fingerprint } } : {}),
      // Each statement stops after the gateway's own timeout: nobody waits for its answer then.
      session,
      loaders: new LoaderRegistry(),
      config,
      logger: logger.child({ requestId }),
    };
  }

  const routes = Object.fromEntries(
    Object.entries(gatewayEndpoints).map(([path, endpoint]): [string, RouteHandler] => [
      path,
      async (request, response, { readBody }) => {
        const caller = verifiedBearer(tokens, request.headers.authorization);
        if (request.method !== 'POST' || caller?.kind !== 'gateway') return sendJson(response, 401, { error: 'Only the gateway may call this' });
        let body: unknown;
        try {
          body = JSON.parse(await readBody());
        } catch {
          return sendJson(response, 400, { error: 'Expected a JSON body' });
        }
        sendJson(response, 200, await endpoint(body));
      },
    ]),
  );

  const http = createHttpServer({
    apollo,
    context,
    logger,
    routes,
    metrics,
    metricsToken: config.metricsToken,
    requestLogLevel: 'debug',
    scopeRequests: true,
    ready: async () => {
      await sql.unsafe('select 1');
      return true;
    },
  });

  return {
    name,
    apollo,
    async listen(port: number, host = config.host): Promise<RunningServer> {
      await apollo.start();
      // Writers in other processes wake this one's log readers through the database (native only).
      // Not awaited: a database that is down must not stop the service from starting (and from
      // reporting not-ready); until LISTEN succeeds, readers poll.
      // Wake-ups from other processes: Redis when it is configured, else the database's NOTIFY (not on the embedded one).
      const releaseRedis = config.redisUrl ? relayLogWritesThroughRedis(config.redisUrl, logger) : undefined;
      if (!config.redisUrl && !config.databaseEmbedded && config.databaseUrl) {
        listenForLogWrites(sql).catch((error: unknown) => logger.warn({ err: error }, 'LISTEN for log writes failed; subscriptions poll the log'));
      }
      const running = await http.listen(port, host);
      const subscriptions = serveSubscriptions({
        server: running.server,
        schema,
        tokens,
        config,
        logger,
        formatError: (error) => formatError(error.toJSON(), error),
        context: (identity, resumeAfter): SubgraphContext => ({
          identity,
          session: new RequestSession(sql, identity),
          loaders: new LoaderRegistry(),
          config,
          logger,
          live: createLiveScope(sql, identity, config, resumeAfter),
        }),
      });
      logger.info({ url: running.url }, `${name} subgraph listening`);
      return {
        ...running,
        close: async () => {
          await subscriptions.close();
          await running.close();
          await apollo.stop();
          releaseRedis?.();
        },
      };
    },
  };
}
