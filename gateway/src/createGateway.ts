import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  API_KEY_ENDPOINT, createApiKeySigner, createErrorFormatter, createHttpServer, createInternalTokens, createMetrics, type Config, type Logger, type RunningServer,
} from '@chief/runtime';
import type { GatewayContext } from './gatewayContext.ts';
import { SubgraphDataSource } from './SubgraphDataSource.ts';
import { createSubgraphClient } from './createSubgraphClient.ts';
import { createAuthenticator } from './createAuthenticator.ts';
import { createApiKeyChecker } from './createApiKeyChecker.ts';
import { createRateLimiter } from './createRateLimiter.ts';
import { createRateLimitCheck } from './createRateLimitCheck.ts';
import { createRequestContext } from './createRequestContext.ts';
import { useOperationGuards } from './useOperationGuards.ts';
import { requireExecutableOperation } from './requireExecutableOperation.ts';
import { refuseAnonymousOperations } from './refuseAnonymousOperations.ts';
import { loadTrustedDocuments } from './loadTrustedDocuments.ts';
import { createPersistedQueryCache } from './createPersistedQueryCache.ts';
import { requireTrustedDocuments } from './requireTrustedDocuments.ts';
import { enforceOperationLimits } from './enforceOperationLimits.ts';
import { trackListSizes } from './trackListSizes.ts';
import { refuseUnstorableText } from './refuseUnstorableText.ts';
import { acceptIdempotencyKey, useIdempotencyOutcome } from './idempotencyKeys.ts';
import { authorizeOperation } from './authorizeOperation.ts';
import { explorerEndpoints } from './explorer.ts';
import { SubscriptionPlanner } from './subscriptions/SubscriptionPlanner.ts';
import { UpstreamSubscriptions } from './subscriptions/UpstreamSubscriptions.ts';
import { createSubscriptionEngine } from './subscriptions/createSubscriptionEngine.ts';
import { serveGraphQLWs } from './subscriptions/serveGraphQLWs.ts';
import { serveGraphQLSse } from './subscriptions/serveGraphQLSse.ts';
import { acceptSubscriptions } from './subscriptions/acceptSubscriptions.ts';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/**
 * The gateway, assembled from its parts: the supergraph (from the committed file in production,
 * by reading the subgraphs in development), the calls to every subgraph (SubgraphDataSource:
 * signed identity, merged fetches, shared identical calls),
 * the request context (credentials, API keys' tags, rate limits), the operation guards in their
 * order, persisted and trusted operations, idempotency keys, and the explorer.
 */
export function createGateway(options: { config: Config; logger: Logger; subgraphs: SubgraphEndpoint[] }) {
  const { config, logger, subgraphs } = options;
  const tokens = createInternalTokens(config.subgraphSecret);
  const metrics = createMetrics('gateway');
  const urls = new Map(subgraphs.map((s) => [s.name, s.url]));
  // core keeps the API keys: the gateway asks it about every key presented.
  const core = urls.get('core');
  if (!core) throw new Error('createGateway: the core subgraph is missing; the gateway checks API keys there');
  const apiKeyEndpoint = createSubgraphClient(new URL(API_KEY_ENDPOINT, core).href, config.limits.timeoutMs);
  const authenticator = createAuthenticator({ auth: config.auth, checkApiKey: createApiKeyChecker(apiKeyEndpoint, tokens) });
  const clients = [apiKeyEndpoint];
  const dataSources = new Map<string, SubgraphDataSource>();

  // @apollo/gateway otherwise reports usage data to Apollo from every instance, every minute
  // (and probes the cloud providers' metadata endpoints to describe the host): Chief sends nothing
  // anywhere it was not told to. An operator who sets the variable otherwise has the last word
  // (empty counts as unset, as everywhere in Chief's configuration).
  process.env.APOLLO_TELEMETRY_DISABLED ||= 'true';
  const gateway = new ApolloGateway({
    ...(config.supergraph.source === 'file'
      ? { supergraphSdl: readFileSync(config.supergraph.path, 'utf8') }
      : { supergraphSdl: new IntrospectAndCompose({ subgraphs }) }),
    // The supergraph names each subgraph's URL; the environment decides where they really are.
    buildService: ({ name, url }) => {
      const client = createSubgraphClient(urls.get(name) ?? url!, config.limits.timeoutMs);
      clients.push(client);
      const dataSource = new SubgraphDataSource(name, client, tokens, metrics, config.subgraphCalls);
      dataSources.set(name, dataSource);
      return dataSource;
    },
    logger,
    // The parsed subgraph operation of each fetch, which SubgraphDataSource merges without parsing.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
  });
  const listSizes = trackListSizes(gateway);
  const planner = new SubscriptionPlanner(dataSources);
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate((loaded) => {
    planner.update(loaded.coreSupergraphSdl);
    apiSchema = loaded.apiSchema;
  });
  const trustedDocuments = loadTrustedDocuments(config.trustedDocuments.path, config.trustedDocuments.required);

  const formatError = createErrorFormatter({
    includeStack: config.isDevelopment,
    onInternal: (error) => logger.error({ err: error }, 'internal error'),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway: acceptSubscriptions(gateway),
    // The process entry points own SIGTERM: they close the HTTP server and the pool, then exit 0.
    stopOnTerminationSignals: false,
    formatError,
    includeStacktraceInErrorResponses: config.isDevelopment,
    introspection: config.introspection,
    // Credentials travel in headers only (no cookies), and a browser cannot send these headers
    // cross-origin without a preflight: GET queries carrying them are safe from CSRF.
    csrfPrevention: { requestHeaders: ['authorization', 'x-api-key', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    parseOptions: { maxTokens: config.limits.tokens },
    persistedQueries: { cache: createPersistedQueryCache(trustedDocuments) },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No subgraph gives cache hints: nothing to collect.
      ApolloServerPluginCacheControlDisabled(),
      // In this order: the cheap refusals first, the API-key lookup at core last.
      useOperationGuards([
        requireExecutableOperation,
        refuseAnonymousOperations,
        requireTrustedDocuments(config.trustedDocuments, trustedDocuments),
        enforceOperationLimits(config.limits, config.maxPageSize, listSizes),
        refuseUnstorableText,
        acceptIdempotencyKey,
        authorizeOperation(authenticator),
      ]),
      useIdempotencyOutcome(),
    ],
  });

  const rateLimiter = createRateLimiter(config.redisUrl, config.rateLimit.windowSeconds);
  const context = createRequestContext({
    config,
    authenticator,
    apiKeySigner: createApiKeySigner(config.apiKeySecret),
    rateLimit: createRateLimitCheck(rateLimiter, config.rateLimit.windowSeconds, logger),
  });

  const subscriptions = createSubscriptionEngine({
    apollo,
    context,
    planner,
    upstream: new UpstreamSubscriptions(urls, tokens),
    tokens,
    config,
    logger,
    metrics,
    schema: () => apiSchema,
    formatError,
  });
  const eventStreams = serveGraphQLSse(subscriptions);

  let loaded = false;
  const http = createHttpServer({
    apollo,
    context,
    logger,
    ready: async () => loaded,
    metrics,
    metricsToken: config.metricsToken,
    maxBodyBytes: config.limits.bodyBytes,
    timeoutMs: config.limits.timeoutMs,
    // The explorer needs introspection for its documentation, so it follows that switch.
    ...(config.introspection ? { routes: explorerEndpoints.routes } : {}),
    alternates: [...(config.introspection ? [explorerEndpoints.page] : []), eventStreams],
  });

  return {
    apollo,
    async listen(port = config.ports.gateway, host = config.host): Promise<RunningServer> {
      await apollo.start();
      if (!(await rateLimiter.connect(3_000))) logger.warn('rate limiter store unreachable; requests are allowed until it answers');
      loaded = true;
      const running = await http.listen(port, host);
      const sockets = serveGraphQLWs(running.server, subscriptions, config, logger);
      logger.info({ url: running.url, supergraph: config.supergraph.source }, 'gateway listening');
      return {
        ...running,
        close: async () => {
          loaded = false;
          // Streams first: none accepted from here on, so none ends with a plain complete when the upstream closes.
          eventStreams.close();
          await sockets.close();
          await subscriptions.close();
          await running.close();
          await apollo.stop();
          await rateLimiter.close();
          await Promise.all(clients.map((client) => client.close()));
        },
      };
    },
  };
}
