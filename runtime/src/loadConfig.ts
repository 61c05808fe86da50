import { z } from 'zod';

const DEV_SECRET = 'chief-development-secret-change-me-0123456789';
const DEV_SUBGRAPH_SECRET = 'chief-development-subgraph-secret-0123456789';
// 32 zero-free bytes, base64; only ever used outside production.
const DEV_ENCRYPTION_KEY = Buffer.from('chief-dev-encryption-key-32bytes').toString('base64');

const port = (fallback: number) =>
  z.coerce.number({ error: 'expected a port number' }).int('expected an integer').min(0).max(65535).default(fallback);
const count = (fallback: number) => z.coerce.number({ error: 'expected a number' }).int('expected an integer').min(1, 'expected at least 1').default(fallback);
const url = z.url({ error: 'expected a URL such as http://host:port/graphql' });
const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

/**
 * Every setting Chief reads, by environment variable. The README's configuration table lists
 * the same variables; docker-compose.yml is checked against this list.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'expected development, test or production' }).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected a pino level' }).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: port(4000),
    CORE_PORT: port(4001),
    WORK_PORT: port(4002),
    CORE_URL: url.default('http://127.0.0.1:4001/graphql'),
    WORK_URL: url.default('http://127.0.0.1:4002/graphql'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
    DATABASE_EMBEDDED: flag.optional(),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
    PGLITE_PORT: port(54329),
    AUTH_JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    AUTH_JWKS_URL: url.optional(),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    SUBGRAPH_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    SUPERGRAPH_SOURCE: z.enum(['file', 'introspect'], { error: 'expected file or introspect' }).optional(),
    SUPERGRAPH_PATH: z.string().min(1).default('schema/supergraph.graphql'),
    MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
    DEMO_DATA: flag.optional(),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// URL').optional(),
    RATE_LIMIT_WINDOW_SECONDS: count(60),
    RATE_LIMIT_USER_MAX: count(600),
    RATE_LIMIT_KEY_MAX: count(300),
    MAX_QUERY_DEPTH: count(12),
    MAX_QUERY_COST: count(20_000),
    MAX_ALIASES: count(30),
    MAX_TOKENS: count(5_000),
    MAX_BODY_BYTES: count(1_000_000),
    REQUEST_TIMEOUT_MS: count(15_000),
    INTROSPECTION: flag.optional(),
    TRUSTED_DOCUMENTS: z.enum(['off', 'require'], { error: 'expected off or require' }).default('off'),
    TRUSTED_DOCUMENTS_PATH: z.string().min(1).default('clients/generated/persisted-documents.json'),
    TRUSTED_DOCUMENTS_CLIENTS: z.string().default(''),
  });

export type ConfigEnv = z.infer<typeof configSchema>;

/** Which process is loading its configuration; decides which secrets production insists on. */
export type ConfigScope = 'all' | 'gateway' | 'core' | 'work';

// Production refuses the development defaults rather than running with a known secret, each
// process for the secrets it uses: the gateway verifies users, core encrypts credentials, and
// every process shares the gateway-to-subgraph secret.
const productionSecrets: Record<Exclude<ConfigScope, 'all'>, ('auth' | 'SUBGRAPH_SECRET' | 'ENCRYPTION_KEY')[]> = {
  gateway: ['auth', 'SUBGRAPH_SECRET'],
  core: ['SUBGRAPH_SECRET', 'ENCRYPTION_KEY'],
  work: ['SUBGRAPH_SECRET'],
};

function missingProductionSecrets(env: ConfigEnv, scope: ConfigScope): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const needed = new Set(scope === 'all' ? Object.values(productionSecrets).flat() : productionSecrets[scope]);
  const issues: string[] = [];
  if (needed.has('auth') && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) issues.push('AUTH_JWT_SECRET: required in production (or set AUTH_JWKS_URL)');
  for (const key of ['SUBGRAPH_SECRET', 'ENCRYPTION_KEY'] as const) if (needed.has(key) && !env[key]) issues.push(`${key}: required in production`);
  return issues;
}


export interface Config {
  env: ConfigEnv['NODE_ENV'];
  isDevelopment: boolean;
  isProduction: boolean;
  logLevel: ConfigEnv['LOG_LEVEL'];
  host: string;
  ports: { gateway: number; core: number; work: number };
  subgraphUrls: { core: string; work: string };
  databaseUrl: string | undefined;
  /** DATABASE_URL points at the embedded PGlite served over its socket (see createSqlClient). */
  databaseEmbedded: boolean;
  dbPoolMax: number;
  pglite: { dataDir: string; port: number };
  auth: { jwtSecret: string | undefined; jwksUrl: string | undefined; issuer: string | undefined; audience: string | undefined };
  subgraphSecret: string;
  encryptionKey: Buffer;
  supergraph: { source: 'file' | 'introspect'; path: string };
  maxPageSize: number;
  demoData: boolean;
  /** Shared rate-limit counters across gateway instances; in memory when unset. */
  redisUrl: string | undefined;
  rateLimit: { windowSeconds: number; userMax: number; keyMax: number };
  limits: { depth: number; cost: number; aliases: number; tokens: number; bodyBytes: number; timeoutMs: number };
  /** Schema introspection at the gateway; off in production unless asked for. */
  introspection: boolean;
  /** Required: restricted clients (all when `clients` is empty) may only send listed operations. */
  trustedDocuments: { required: boolean; path: string; clients: string[] };
}

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
        const got = name in raw ? `, got ${JSON.stringify(raw[name])}` : '';
        return `${name}: ${issue.message}${got}`;
      }),
    );
  }
  const e = parsed.data;
  const missing = missingProductionSecrets(e, scope);
  if (missing.length) throw new ConfigError(missing);
  const isProduction = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    isDevelopment: e.NODE_ENV === 'development',
    isProduction,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    ports: { gateway: e.GATEWAY_PORT, core: e.CORE_PORT, work: e.WORK_PORT },
    subgraphUrls: { core: e.CORE_URL, work: e.WORK_URL },
    databaseUrl: e.DATABASE_URL,
    databaseEmbedded: e.DATABASE_EMBEDDED ?? false,
    dbPoolMax: e.DB_POOL_MAX,
    pglite: { dataDir: e.PGLITE_DATA_DIR, port: e.PGLITE_PORT },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET ?? (e.AUTH_JWKS_URL ? undefined : DEV_SECRET),
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
    },
    subgraphSecret: e.SUBGRAPH_SECRET ?? DEV_SUBGRAPH_SECRET,
    encryptionKey: Buffer.from(e.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, 'base64'),
    supergraph: { source: e.SUPERGRAPH_SOURCE ?? (isProduction ? 'file' : 'introspect'), path: e.SUPERGRAPH_PATH },
    maxPageSize: e.MAX_PAGE_SIZE,
    demoData: e.DEMO_DATA ?? !isProduction,
    redisUrl: e.REDIS_URL,
    rateLimit: { windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS, userMax: e.RATE_LIMIT_USER_MAX, keyMax: e.RATE_LIMIT_KEY_MAX },
    limits: { depth: e.MAX_QUERY_DEPTH, cost: e.MAX_QUERY_COST, aliases: e.MAX_ALIASES, tokens: e.MAX_TOKENS, bodyBytes: e.MAX_BODY_BYTES, timeoutMs: e.REQUEST_TIMEOUT_MS },
    introspection: e.INTROSPECTION ?? !isProduction,
    trustedDocuments: {
      required: e.TRUSTED_DOCUMENTS === 'require',
      path: e.TRUSTED_DOCUMENTS_PATH,
      clients: e.TRUSTED_DOCUMENTS_CLIENTS.split(',').map((c) => c.trim()).filter(Boolean),
    },
  };
}

/** The variables a service reads; the docker-compose test compares these with the file. */
export const configVariables = Object.keys(configSchema.shape) as (keyof ConfigEnv)[];
