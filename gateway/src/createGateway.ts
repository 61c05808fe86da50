import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import proxyaddr from 'proxy-addr';
import {
  ErrorCode, IDEMPOTENCY_KEY_HEADER, REQUEST_FINGERPRINT_HEADER, bearerToken, chiefError, createApiKeySigner, createMetrics, createErrorFormatter, createHttpServer, createInternalTokens, unauthenticated,
  type Config, type InternalTokens, type Logger, type Metrics, type RunningServer,
} from '@chief/runtime';
import type { GatewayContext } from './gatewayContext.ts';
import { requireExecutableOperation } from './requireExecutableOperation.ts';
import { refuseUnstorableText } from './refuseUnstorableText.ts';
import { acceptIdempotencyKey, useIdempotencyOutcome } from './idempotencyKeys.ts';
import { createAuthenticator, presentedApiKey } from './createAuthenticator.ts';
import { createApiKeyChecker } from './createApiKeyChecker.ts';
import { createRateLimiter, type RateDecision } from './createRateLimiter.ts';
import { useOperationGuards } from './useOperationGuards.ts';
import { refuseAnonymousOperations } from './refuseAnonymousOperations.ts';
import { loadTrustedDocuments } from './loadTrustedDocuments.ts';
import { createPersistedQueryCache } from './createPersistedQueryCache.ts';
import { requireTrustedDocuments } from './requireTrustedDocuments.ts';
import { enforceOperationLimits } from './enforceOperationLimits.ts';
import { authorizeOperation } from './authorizeOperation.ts';
import { readListSizes, type ListSizes } from './readListSizes.ts';
import { EXPLORER_ASSETS_PATH, serveExplorerAsset, serveExplorerPage, wantsExplorer } from './explorer.ts';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/**
 * Forwards the verified identity to a subgraph as the gateway's signed token, with the
 * request id. The gateway's own requests (reading SDL in development) carry a token of kind
 * `gateway`, which reads no data.
 */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly tokens: InternalTokens,
    private readonly metrics: Metrics,
  ) {
    // Node's fetch keeps connections to the subgraphs alive.
    super({ url, fetcher: fetch as never });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const response = await super.process(options);
      if (!response.errors?.length) outcome = 'ok';
      return response;
    } finally {
      this.metrics.observeSubgraph(this.subgraph, outcome, (performance.now() - started) / 1000);
    }
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const token = context.internalToken ?? (await this.tokens.sign({ kind: 'gateway', userId: null, workspaceId: null, scopes: [] }));
    request.http?.headers.set('authorization', `Bearer ${token}`);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
    if (context.idempotency) {
      request.http?.headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotency.key);
      request.http?.headers.set(REQUEST_FINGERPRINT_HEADER, context.idempotency.fingerprint);
    }
  }

  override async didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    if (context.idempotency && response.extensions?.idempotentReplay) context.idempotency.replayed = true;
    return response;
  }
}

/**
 * The gateway: composes the supergraph (from the committed file in production, by reading the
 * subgraphs in development), authenticates every request and routes it to the subgraphs.
 */
export function createGateway(options: { config: Config; logger: Logger; subgraphs: SubgraphEndpoint[] }) {
  const { config, logger, subgraphs } = options;
  const tokens = createInternalTokens(config.subgraphSecret);
  const metrics = createMetrics('gateway');
  const urls = new Map(subgraphs.map((s) => [s.name, s.url]));
  const apiKeySigner = createApiKeySigner(config.apiKeySecret);
  const authenticator = createAuthenticator({ auth: config.auth, checkApiKey: createApiKeyChecker(urls.get('core')!, tokens, config.limits.timeoutMs) });

  const gateway = new ApolloGateway({
    ...(config.supergraph.source === 'file'
      ? { supergraphSdl: readFileSync(config.supergraph.path, 'utf8') }
      : { supergraphSdl: new IntrospectAndCompose({ subgraphs }) }),
    // The supergraph names each subgraph's URL; the environment decides where they really are.
    buildService: ({ name, url }) => new SignedDataSource(name, urls.get(name) ?? url!, tokens, metrics),
    logger,
  });

  // Read from each supergraph the gateway loads: the API schema drops the cost spec's directives.
  let listSizes: ListSizes = new Map();
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    listSizes = readListSizes(coreSupergraphSdl);
  });

  const trustedDocuments = loadTrustedDocuments(config.trustedDocuments.path, config.trustedDocuments.required);
  let loaded = false;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // The process entry points own SIGTERM: they close the HTTP server and the pool, then exit 0.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({
      includeStack: config.isDevelopment,
      onInternal: (error) => logger.error({ err: error }, 'internal error'),
    }),
    includeStacktraceInErrorResponses: config.isDevelopment,
    introspection: config.introspection,
    // Credentials travel in headers only (no cookies), and a browser cannot send these headers
    // cross-origin without a preflight: GET queries carrying them are safe from CSRF.
    csrfPrevention: { requestHeaders: ['authorization', 'x-api-key', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    parseOptions: { maxTokens: config.limits.tokens },
    persistedQueries: { cache: createPersistedQueryCache(trustedDocuments) },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // In this order: the cheap refusals first, the API-key lookup at core last.
      useOperationGuards([
        requireExecutableOperation,
        refuseAnonymousOperations,
        requireTrustedDocuments(config.trustedDocuments, trustedDocuments),
        enforceOperationLimits(config.limits, config.maxPageSize, () => listSizes),
        refuseUnstorableText,
        acceptIdempotencyKey,
        authorizeOperation(authenticator, tokens),
      ]),
      useIdempotencyOutcome(),
    ],
  });
  const rateLimiter = createRateLimiter(config.redisUrl, config.rateLimit.windowSeconds);

  /**
   * Counts the request against its caller's limit. If the counter store fails (Redis down), the
   * request goes through: an outage of the limiter must not become an outage of the API.
   */
  async function enforceRateLimit(subject: string, limit: number) {
    let decision: RateDecision;
    try {
      decision = await rateLimiter.hit(subject, limit);
    } catch (error) {
      logger.warn({ err: error }, 'rate limiter unavailable; request allowed');
      return;
    }
    if (decision.allowed) return;
    const error = chiefError(ErrorCode.RATE_LIMITED, `Too many requests: at most ${limit} every ${config.rateLimit.windowSeconds} s; retry in ${decision.retryAfterSeconds} s`, {
      retryAfter: decision.retryAfterSeconds,
    });
    error.extensions.http = { status: 429, headers: new HeaderMap([['retry-after', String(decision.retryAfterSeconds)]]) };
    throw error;
  }

  // The client's address, through the configured proxies only: anyone can write X-Forwarded-For.
  const trustProxy = proxyaddr.compile(config.trustedProxies);
  const clientAddress = (request: IncomingMessage) => proxyaddr(request, trustProxy);

  /**
   * Runs before the operation is parsed, so it does only what is cheap: verifies a JWT locally,
   * refuses an API key that Chief did not issue (its tag, checked locally: no lookup, no state),
   * and counts every request against a rate limit. A genuine API key is counted under its digest
   * (only someone holding the key can spend its budget) and looked up at core later, by
   * authorizeOperation, once the operation has passed the gateway's checks.
   */
  async function context(request: IncomingMessage, requestId: string): Promise<GatewayContext> {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const credentials = { bearer: bearerToken(request.headers.authorization), apiKey: header('x-api-key'), workspace: header('x-chief-workspace') };
    const key = presentedApiKey(credentials);
    if (key) {
      if (!apiKeySigner.isGenuine(key)) throw unauthenticated('The API key is invalid, revoked or expired');
      await enforceRateLimit(`key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`, config.rateLimit.keyMax);
      return { requestId, apiKey: { key, workspace: credentials.workspace } };
    }
    // Without credentials only introspection may run (when it is on), so the explorer can show
    // the documentation before a token is entered; refuseAnonymousOperations holds the line.
    if (config.introspection && !credentials.bearer) {
      await enforceRateLimit(`ip:${clientAddress(request)}`, config.rateLimit.userMax);
      return { requestId };
    }
    const { identity, clientId } = await authenticator.verifyToken(credentials.bearer, credentials.workspace);
    await enforceRateLimit(`user:${identity.userId}`, config.rateLimit.userMax);
    return { requestId, identity, clientId, internalToken: await tokens.sign(identity) };
  }

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
    ...(config.introspection ? { page: { wants: wantsExplorer, serve: serveExplorerPage }, routes: { [`${EXPLORER_ASSETS_PATH}*`]: serveExplorerAsset } } : {}),
  });

  return {
    apollo,
    async listen(port = config.ports.gateway, host = config.host): Promise<RunningServer> {
      await apollo.start();
      if (!(await rateLimiter.connect(3_000))) logger.warn('rate limiter store unreachable; requests are allowed until it answers');
      loaded = true;
      const running = await http.listen(port, host);
      logger.info({ url: running.url, supergraph: config.supergraph.source }, 'gateway listening');
      return {
        ...running,
        close: async () => {
          loaded = false;
          await running.close();
          await apollo.stop();
          await rateLimiter.close();
        },
      };
    },
  };
}
