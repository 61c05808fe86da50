import { inject } from 'vitest';
import { SignJWT } from 'jose';
import { loadConfig, type Config, type LogDestination } from '@chief/runtime';
import { startChief, type RunningChief } from '../../scripts/startChief.ts';

export const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  AUTH_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
  SUBGRAPH_SECRET: 'test-subgraph-secret-test-subgraph-0123',
  // The search worker runs where a suite asks for it (SEARCH_INDEXER: 'true'), not beside every other.
  SEARCH_INDEXER: 'false',
  // Every subgraph operation of every suite runs compiled from its first execution, as the hot path does in production.
  GRAPHQL_COMPILE_AFTER: '1',
};

/** The data of a selection of entities by id (`{ createTask: { id } }`), as most writes ask for it. */
export type Ids<K extends string> = Record<K, { id: string }>;

/** A connection as a query selects it, with the node's selected fields. */
export interface Page<TNode> {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A GraphQL response as a client sees it; `TData` is the shape of `data` the query asks for. */
export interface GraphQLResult<TData = unknown> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] };
}

/** Talks to a gateway as a client would, with tokens signed by the test secret. */
export interface ChiefClient {
  gatewayUrl: string;
  token(userId: string, options?: { workspaceId?: string; expiresIn?: string; secret?: string; claims?: Record<string, unknown> }): Promise<string>;
  request<TData = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; workspaceId?: string; url?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResult<TData>>;
}

export interface TestChief extends RunningChief, ChiefClient {
  config: Config;
  /** SQL statements sent by the services since the last reset. */
  statements: { count: number; reset(): void };
}

export function createClient(gatewayUrl: string): ChiefClient {
  return {
    gatewayUrl,
    async token(userId, options = {}) {
      const jwt = new SignJWT({ ...options.claims, ...(options.workspaceId ? { wid: options.workspaceId } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m');
      return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_ENV.AUTH_JWT_SECRET));
    },
    async request<TData>(query: string, variables: Record<string, unknown> = {}, options: Parameters<ChiefClient['request']>[2] = {}) {
      const response = await fetch(options.url ?? gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.workspaceId ? { 'x-chief-workspace': options.workspaceId } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult<TData>['body'] };
    },
  };
}

/** Starts Chief in this process against the run's shared database, on free ports. */
export async function startTestChief(env: Record<string, string> = {}, options: { logDestination?: LogDestination } = {}): Promise<TestChief> {
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: inject('databaseUrl'),
    DATABASE_EMBEDDED: String(inject('databaseEmbedded')),
    ...env,
  });
  const statements = { count: 0, reset() { this.count = 0; } };
  const ports = Object.fromEntries(Object.keys(config.ports).map((name) => [name, 0])) as Config['ports'];
  const chief = await startChief({ config, ports, onStatement: () => statements.count++, logDestination: options.logDestination });
  return { ...chief, ...createClient(chief.gatewayUrl), config, statements };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function expectData<TData>(result: GraphQLResult<TData>): TData {
  if (result.body.errors?.length || !result.body.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
  return result.body.data;
}

/** The first error's code, and the field it names. */
export function errorOf(result: GraphQLResult<unknown>): { code?: string; field?: string; message?: string } {
  const error = result.body.errors?.[0];
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { code: text(error?.extensions?.code), field: text(error?.extensions?.field), message: error?.message };
}
