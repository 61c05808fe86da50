import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { subgraphManifest, subgraphNames, subgraphVariables, type SubgraphName } from './subgraphManifest.ts';
import type { EmbeddingsConfig } from './embeddings.ts';

const DEV_SECRET = 'chief-development-secret-change-me-0123456789';
const DEV_SUBGRAPH_SECRET = 'chief-development-subgraph-secret-0123456789';
const DEV_API_KEY_SECRET = 'chief-development-api-key-secret-0123456789';
// 32 zero-free bytes, base64; only ever used outside production.
const DEV_ENCRYPTION_KEY = Buffer.from('chief-dev-encryption-key-32bytes').toString('base64');

// Every rule below says what it expects, in words an operator can act on; loadConfig prefixes
// the variable's name. Values arrive as strings from the environment.

/** A whole number from `min` to `max` (digits only: no sign, decimals, exponent or hex). */
function integer(fallback: number, min: number, max: number, what: string) {
  const expected = `expected ${what}`;
  return z
    .string({ error: expected })
    .regex(/^\d+$/, expected)
    .transform(Number)
    .pipe(z.number().min(min, expected).max(max, expected))
    .default(fallback);
}
const port = (fallback: number) => integer(fallback, 0, 65535, 'a port number from 0 to 65535');
const count = (fallback: number) => integer(fallback, 1, Number.MAX_SAFE_INTEGER, 'a whole number of at least 1');
const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `expected an http or https URL such as ${example}` });
const urlWithScheme = (scheme: RegExp, expected: string) =>
  z.string({ error: expected }).regex(scheme, expected).refine((v) => URL.canParse(v), expected);
const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');
/** Free text that must say something (a value of only spaces is a mistake, not a setting). */
const text = (expected: string) => z.string({ error: expected }).trim().min(1, expected);
const secret = z.string({ error: 'expected at least 32 characters' }).min(32, 'expected at least 32 characters');
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each subgraph's port (`<NAME>_PORT`) and where the gateway finds it (`SUBGRAPH_<NAME>_URL`). */
const subgraphSettings = Object.fromEntries(
  subgraphManifest.flatMap(({ name, port: fallback }) => {
    const variables = subgraphVariables(name);
    const url = `http://127.0.0.1:${fallback}/graphql`;
    return [
      [variables.port, port(fallback)],
      [variables.url, httpUrl(url).default(url)],
    ];
  }),
) as Record<string, z.ZodType<unknown, unknown>>;

/** The settings that are not per subgraph, by environment variable. */
const sharedSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'expected development, test or production' }).default('development'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected a pino level: ${LOG_LEVELS.join(', ')}` }).default('info'),
    HOST: z
      .string()
      .regex(/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/, 'expected a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1'),
    GATEWAY_PORT: port(4000),
    WORKER_PORT: port(4009),
    DATABASE_URL: urlWithScheme(/^postgres(ql)?:\/\/./, 'expected a postgres:// URL such as postgres://user:password@host:5432/chief').optional(),
    DATABASE_EMBEDDED: flag.optional(),
    DB_POOL_MAX: integer(10, 1, 200, 'a whole number from 1 to 200'),
    PGLITE_DATA_DIR: text('expected a folder path').default('.data/pglite'),
    AUTH_JWT_SECRET: secret.optional(),
    AUTH_JWKS_URL: httpUrl('https://YOUR_TENANT.auth0.com/.well-known/jwks.json').optional(),
    AUTH_ISSUER: text('expected the issuer (iss) that tokens carry, such as https://YOUR_TENANT.auth0.com/').optional(),
    AUTH_AUDIENCE: text('expected the audience (aud) that tokens carry, such as https://api.chief.example').optional(),
    SUBGRAPH_SECRET: secret.optional(),
    API_KEY_SECRET: secret.optional(),
    METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,}$/, 'expected at least 16 printable characters without spaces').optional(),
    TRUSTED_PROXIES: z
      .string()
      .refine((v) => {
        try {
          proxyaddr.compile(v.split(',').map((p) => p.trim()));
          return true;
        } catch {
          return false;
        }
      }, 'expected proxy addresses or ranges separated by commas, such as 10.0.0.0/8,loopback')
      .optional(),
    ENCRYPTION_KEY: z
      .string()
      .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    SUPERGRAPH_SOURCE: z.enum(['file', 'introspect'], { error: 'expected file or introspect' }).optional(),
    SUPERGRAPH_PATH: text('expected a file path').default('schema/supergraph.graphql'),
    MAX_PAGE_SIZE: integer(100, 1, 1000, 'a whole number from 1 to 1000'),
    DEMO_DATA: flag.optional(),
    REDIS_URL: urlWithScheme(/^rediss?:\/\/./, 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379').optional(),
    RATE_LIMIT_WINDOW_SECONDS: count(60),
    RATE_LIMIT_USER_MAX: count(600),
    RATE_LIMIT_KEY_MAX: count(300),
    MAX_QUERY_DEPTH: count(12),
    MAX_QUERY_COST: count(20_000),
    MAX_ALIASES: count(30),
    MAX_TOKENS: count(5_000),
    MAX_BODY_BYTES: count(1_000_000),
    // Also Postgres's statement_timeout and a Node timer, both at most 2^31 - 1 ms.
    REQUEST_TIMEOUT_MS: integer(15_000, 1, 2_147_483_647, 'a whole number of milliseconds from 1 to 2147483647'),
    INTROSPECTION: flag.optional(),
    SUBGRAPH_BATCHING: flag.optional(),
    SUBGRAPH_DEDUPLICATION: flag.optional(),
    GRAPHQL_COMPILE_AFTER: integer(2, 0, 1_000_000, 'a whole number from 0 (never) to 1000000'),
    SUBSCRIPTION_POLL_MS: integer(1_000, 50, 60_000, 'a whole number of milliseconds from 50 to 60000'),
    SUBSCRIPTION_RETENTION_HOURS: count(168),
    SUBSCRIPTION_BUFFER_EVENTS: count(100),
    SUBSCRIPTION_BUFFER_BYTES: count(1_000_000),
    SUBSCRIPTIONS_PER_CONNECTION: count(50),
    SUBSCRIPTIONS_PER_USER: count(200),
    CONNECTION_INIT_TIMEOUT_MS: integer(5_000, 100, 600_000, 'a whole number of milliseconds from 100 to 600000'),
    OPENAI_API_KEY: text('expected an API key such as sk-...').optional(),
    OPENAI_BASE_URL: httpUrl('http://127.0.0.1:8080/v1').optional(),
    OPENAI_EMBEDDING_MODEL: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$/, 'expected a model name such as text-embedding-3-small').default('text-embedding-3-small'),
    EMBEDDINGS_REQUESTS_PER_MINUTE: integer(500, 1, 100_000, 'a whole number from 1 to 100000'),
    SEARCH_INDEXER: flag.optional(),
    SEARCH_SWEEP_MS: integer(1_000, 100, 60_000, 'a whole number of milliseconds from 100 to 60000'),
    TRUSTED_DOCUMENTS: z.enum(['off', 'require'], { error: 'expected off or require' }).default('off'),
    TRUSTED_DOCUMENTS_PATH: text('expected a file path').default('clients/generated/persisted-documents.json'),
    TRUSTED_DOCUMENTS_CLIENTS: z
      .string()
      .regex(/^\s*[^,\s][^,]*(,\s*[^,\s][^,]*)*$/, 'expected client names separated by commas, such as web,ios')
      .default(''),
  });

/**
 * Every setting Chief reads, by environment variable. The README's configuration table lists
 * the same variables; docker-compose.yml is generated from the same manifest.
 */
export const configSchema = sharedSchema.extend(subgraphSettings);

/** The shared settings, typed; the per-subgraph ones are read by name (subgraphVariables). */
export type ConfigEnv = z.infer<typeof sharedSchema>;

/** Which process is loading its configuration; decides which secrets production insists on. */
export type ConfigScope = 'all' | 'gateway' | 'worker' | SubgraphName;

// Production refuses the development defaults rather than running with a known secret, each
// process for the secrets it uses: the gateway verifies users and API keys' tags, a subgraph
// what its manifest entry names, and every process shares the gateway-to-subgraph secret.
type ProductionSecret = 'auth' | 'SUBGRAPH_SECRET' | 'ENCRYPTION_KEY' | 'API_KEY_SECRET';
const productionSecrets: Record<Exclude<ConfigScope, 'all'>, ProductionSecret[]> = {
  gateway: ['auth', 'SUBGRAPH_SECRET', 'API_KEY_SECRET'],
  // The search worker reads and writes only through the database, as the service role.
  worker: [],
  ...(Object.fromEntries(subgraphManifest.map((s) => [s.name, ['SUBGRAPH_SECRET', ...s.secrets]])) as Record<SubgraphName, ProductionSecret[]>),
};

function missingProductionSecrets(env: ConfigEnv, scope: ConfigScope): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const needed = new Set(scope === 'all' ? Object.values(productionSecrets).flat() : productionSecrets[scope]);
  const issues: string[] = [];
  if (needed.has('auth') && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) issues.push('AUTH_JWT_SECRET: required in production (or set AUTH_JWKS_URL)');
  for (const key of ['SUBGRAPH_SECRET', 'ENCRYPTION_KEY', 'API_KEY_SECRET'] as const) if (needed.has(key) && !env[key]) issues.push(`${key}: required in production`);
  return issues;
}

/** A subgraph's URL under its old name (`CORE_URL`) would be ignored silently: it is refused instead. */
function renamedVariables(env: Record<string, string | undefined>): string[] {
  return subgraphNames.flatMap((name) => {
    const old = `${name.toUpperCase()}_URL`;
    return env[old] === undefined ? [] : [`${old}: renamed ${subgraphVariables(name).url}; set that instead`];
  });
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Outside production the secrets default to values published in this source code: fine on this
 * machine, never on an interface others can reach (a deployment that forgot NODE_ENV).
 */
function publishedSecretsOnOpenHost(env: ConfigEnv): string[] {
  if (env.NODE_ENV === 'production' || isLoopback(env.HOST)) return [];
  const defaulted = [
    ...(!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL ? ['AUTH_JWT_SECRET'] : []),
    ...(['SUBGRAPH_SECRET', 'ENCRYPTION_KEY', 'API_KEY_SECRET'] as const).filter((key) => !env[key]),
  ];
  if (!defaulted.length) return [];
  return [`HOST: ${env.HOST} is reachable from other machines, but ${defaulted.join(', ')} would be the development defaults published in the source; set them, or listen on 127.0.0.1`];
}

export interface Config {
  env: ConfigEnv['NODE_ENV'];
  isDevelopment: boolean;
  isProduction: boolean;
  logLevel: ConfigEnv['LOG_LEVEL'];
  host: string;
  ports: Record<'gateway' | SubgraphName, number>;
  /** Where the gateway finds each subgraph. */
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrl: string | undefined;
  /** DATABASE_URL points at the embedded PGlite served over its socket (see createSqlClient). */
  databaseEmbedded: boolean;
  dbPoolMax: number;
  /** The embedded database's data folder; its socket lives inside it. */
  pglite: { dataDir: string };
  auth: { jwtSecret: string | undefined; jwksUrl: string | undefined; issuer: string | undefined; audience: string | undefined };
  subgraphSecret: string;
  /** Keys the tag that makes an API key checkable without a lookup (gateway and core). */
  apiKeySecret: string;
  encryptionKey: Buffer;
  /** Bearer token for /metrics; unset, /metrics is not served. */
  metricsToken: string | undefined;
  /** Proxies whose X-Forwarded-For is believed when telling a client's address (proxy-addr's forms). */
  trustedProxies: string[];
  supergraph: { source: 'file' | 'introspect'; path: string };
  maxPageSize: number;
  demoData: boolean;
  /** Shared rate-limit counters across gateway instances; in memory when unset. */
  redisUrl: string | undefined;
  rateLimit: { windowSeconds: number; userMax: number; keyMax: number };
  limits: { depth: number; cost: number; aliases: number; tokens: number; bodyBytes: number; timeoutMs: number };
  /** Schema introspection at the gateway; off in production unless asked for. */
  introspection: boolean;
  /** A subgraph compiles an operation (graphql-jit) on its n-th execution; 0, never. */
  compileAfter: number;
  /**
   * How the gateway calls the subgraphs: `batching`, one request for the fetches of one client
   * request that leave for the same subgraph together; `deduplication`, one call for identical
   * queries in flight for the same caller.
   */
  subgraphCalls: { batching: boolean; deduplication: boolean };
  /**
   * Live updates: how often a subscription reads the log when no wake-up came (`pollMs`), how far
   * back a cursor may resume (`retentionHours`), what one subscriber may have waiting before it is
   * closed as a slow consumer (`bufferEvents` results, `bufferBytes` unsent on its socket), the caps
   * per connection and per user, and how long a socket may wait before its connection_init.
   */
  subscriptions: { pollMs: number; retentionHours: number; bufferEvents: number; bufferBytes: number; perConnection: number; perUser: number; initTimeoutMs: number };
  /** Required: restricted clients (all when `clients` is empty) may only send listed operations. */
  trustedDocuments: { required: boolean; path: string; clients: string[] };
  /** Search's embeddings: OpenAI (or a compatible server) when a key or base URL is set, else the local lexical embedder. */
  embeddings: EmbeddingsConfig;
  /**
   * The search index's worker: whether `npm start` runs it in its own process (on unless
   * SEARCH_INDEXER=false: the distributed deployment runs it as its own service), and how often it
   * looks for rows waiting for a vector; as its own process, the port of its /ready.
   */
  searchIndexer: { inProcess: boolean; sweepMs: number; port: number };
}

// Values that may hold secrets (URLs carry passwords) never reach a log through an error message.
const UNECHOED = new Set(['AUTH_JWT_SECRET', 'SUBGRAPH_SECRET', 'API_KEY_SECRET', 'ENCRYPTION_KEY', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']);

/** Names the variable at fault and what it expects; thrown before anything starts. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once, at start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, scope: ConfigScope = 'all'): Config {
  // Empty strings count as unset, as in most deployment tools.
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = !(name in raw) ? '' : UNECHOED.has(name) ? ' (value not shown)' : `, got ${JSON.stringify(raw[name])}`;
        return `${name}: ${issue.message}${got}`;
      }),
    );
  }
  const e = parsed.data as ConfigEnv;
  const settings = parsed.data as Record<string, unknown>;
  const missing = [...renamedVariables(raw), ...missingProductionSecrets(e, scope), ...publishedSecretsOnOpenHost(e)];
  if (missing.length) throw new ConfigError(missing);
  const isProduction = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    isDevelopment: e.NODE_ENV === 'development',
    isProduction,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    ports: { gateway: e.GATEWAY_PORT, ...perSubgraph((name) => settings[subgraphVariables(name).port] as number) },
    subgraphUrls: perSubgraph((name) => settings[subgraphVariables(name).url] as string),
    databaseUrl: e.DATABASE_URL,
    databaseEmbedded: e.DATABASE_EMBEDDED ?? false,
    dbPoolMax: e.DB_POOL_MAX,
    pglite: { dataDir: e.PGLITE_DATA_DIR },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET ?? (e.AUTH_JWKS_URL ? undefined : DEV_SECRET),
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
    },
    subgraphSecret: e.SUBGRAPH_SECRET ?? DEV_SUBGRAPH_SECRET,
    apiKeySecret: e.API_KEY_SECRET ?? DEV_API_KEY_SECRET,
    metricsToken: e.METRICS_TOKEN,
    trustedProxies: e.TRUSTED_PROXIES?.split(',').map((p) => p.trim()) ?? [],
    encryptionKey: Buffer.from(e.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, 'base64'),
    supergraph: { source: e.SUPERGRAPH_SOURCE ?? (isProduction ? 'file' : 'introspect'), path: e.SUPERGRAPH_PATH },
    maxPageSize: e.MAX_PAGE_SIZE,
    demoData: e.DEMO_DATA ?? !isProduction,
    redisUrl: e.REDIS_URL,
    rateLimit: { windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS, userMax: e.RATE_LIMIT_USER_MAX, keyMax: e.RATE_LIMIT_KEY_MAX },
    limits: { depth: e.MAX_QUERY_DEPTH, cost: e.MAX_QUERY_COST, aliases: e.MAX_ALIASES, tokens: e.MAX_TOKENS, bodyBytes: e.MAX_BODY_BYTES, timeoutMs: e.REQUEST_TIMEOUT_MS },
    introspection: e.INTROSPECTION ?? !isProduction,
    compileAfter: e.GRAPHQL_COMPILE_AFTER,
    subgraphCalls: { batching: e.SUBGRAPH_BATCHING ?? true, deduplication: e.SUBGRAPH_DEDUPLICATION ?? true },
    subscriptions: {
      pollMs: e.SUBSCRIPTION_POLL_MS,
      retentionHours: e.SUBSCRIPTION_RETENTION_HOURS,
      bufferEvents: e.SUBSCRIPTION_BUFFER_EVENTS,
      bufferBytes: e.SUBSCRIPTION_BUFFER_BYTES,
      perConnection: e.SUBSCRIPTIONS_PER_CONNECTION,
      perUser: e.SUBSCRIPTIONS_PER_USER,
      initTimeoutMs: e.CONNECTION_INIT_TIMEOUT_MS,
    },
    trustedDocuments: {
      required: e.TRUSTED_DOCUMENTS === 'require',
      path: e.TRUSTED_DOCUMENTS_PATH,
      clients: e.TRUSTED_DOCUMENTS_CLIENTS.split(',').map((c) => c.trim()).filter(Boolean),
    },
    embeddings: {
      provider: e.OPENAI_API_KEY || e.OPENAI_BASE_URL ? 'openai' : 'local',
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_EMBEDDING_MODEL,
      requestsPerMinute: e.EMBEDDINGS_REQUESTS_PER_MINUTE,
    },
    searchIndexer: { inProcess: e.SEARCH_INDEXER ?? true, sweepMs: e.SEARCH_SWEEP_MS, port: e.WORKER_PORT },
  };
}

/** A value for every subgraph of the manifest. */
const perSubgraph = <T>(value: (name: SubgraphName) => T) => Object.fromEntries(subgraphNames.map((name) => [name, value(name)])) as Record<SubgraphName, T>;

/** The variables a service reads; the docker-compose test compares these with the file. */
export const configVariables = Object.keys(configSchema.shape) as (keyof ConfigEnv | `${Uppercase<SubgraphName>}_PORT` | `SUBGRAPH_${Uppercase<SubgraphName>}_URL`)[];
