import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ErrorCode, bearerToken, chiefError, createMetrics, type Metrics, createErrorFormatter, createHttpServer, createInternalTokens,
  type Config, type Identity, type InternalTokens, type Logger, type RunningServer,
} from '@chief/runtime';
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
import { EXPLORER_ASSETS_PATH, serveExplorerAsset, serveExplorerPage, wantsExplorer } from './explorer.ts';

/** Per-request gateway context: who is asking, and the token that tells the subgraphs so. */
export interface GatewayContext {
  requestId: string;
  /** The verified caller; for an API key, set by authorizeOperation once the operation passed its checks. */
  identity?: Identity;
  /** The signed identity every subgraph call carries. */
  internalToken?: string;
  /** A presented API key not yet looked up at core, with its digest and the caller's address. */
  apiKey?: PresentedApiKey;
  /** The client application a JWT was issued to (trusted documents are per client). */
  clientId?: string;
}

export interface PresentedApiKey {
  key: string;
  digest: string;
  workspace: string | undefined;
  address: string | undefined;
}

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
  const authenticator = createAuthenticator({ auth: config.auth, checkApiKey: createApiKeyChecker(urls.get('core')!, tokens, config.limits.timeoutMs) });

  const gateway = new ApolloGateway({
    ...(config.supergraph.source === 'file'
      ? { supergraphSdl: readFileSync(config.supergraph.path, 'utf8') }
      : { supergraphSdl: new IntrospectAndCompose({ subgraphs }) }),
    // The supergraph names each subgraph's URL; the environment decides where they really are.
    buildService: ({ name, url }) => new SignedDataSource(name, urls.get(name) ?? url!, tokens, metrics),
    logger,
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
        refuseAnonymousOperations,
        requireTrustedDocuments(config.trustedDocuments, trustedDocuments),
        enforceOperationLimits(config.limits),
        authorizeOperation(authenticator, tokens, recordKeyLookup),
      ]),
    ],
  });
  const rateLimiter = createRateLimiter(config.redisUrl, config.rateLimit.windowSeconds);

  /**
   * Counts the request against its caller's limit. If the counter store fails (Redis down), the
   * request goes through: an outage of the limiter must not become an outage of the API.
   */
  async function enforceRateLimit(subject: string, limit: number, mode: 'hit' | 'peek' = 'hit') {
    let decision: RateDecision;
    try {
      decision = await rateLimiter[mode](subject, limit);
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

  // Digests of keys that authenticated at this gateway (newest last, bounded): they only skip the
  // failed-lookup budget; every request is still looked up, so revocation stays immediate.
  const knownKeys = new Set<string>();
  async function recordKeyLookup(apiKey: PresentedApiKey, found: boolean) {
    if (!found) return enforceRateLimit(`unknown-key:${apiKey.address}`, config.rateLimit.keyMax);
    knownKeys.delete(apiKey.digest);
    knownKeys.add(apiKey.digest);
    if (knownKeys.size > 10_000) knownKeys.delete(knownKeys.values().next().value!);
  }

  /**
   * Runs before the operation is parsed, so it does only what is cheap: verifies a JWT locally
   * and counts every request against a rate limit. An API key is counted under its digest (only
   * someone holding the key can spend its budget) and looked up at core later, by
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
      const apiKey = { key, digest: createHash('sha256').update(key).digest('hex').slice(0, 32), workspace: credentials.workspace, address: request.socket.remoteAddress };
      await enforceRateLimit(`key:${apiKey.digest}`, config.rateLimit.keyMax);
      // Made-up keys each have a fresh budget of their own; what bounds them is the address's
      // budget of failed lookups. A key that has authenticated here skips it, so nobody sharing
      // an address with a partner can lock the partner out.
      if (!knownKeys.has(apiKey.digest)) await enforceRateLimit(`unknown-key:${apiKey.address}`, config.rateLimit.keyMax, 'peek');
      return { requestId, apiKey };
    }
    // Without credentials only introspection may run (when it is on), so the explorer can show
    // the documentation before a token is entered; refuseAnonymousOperations holds the line.
    if (config.introspection && !credentials.bearer) {
      await enforceRateLimit(`ip:${request.socket.remoteAddress}`, config.rateLimit.userMax);
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
