import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from '../src/loadConfig.ts';
import { subgraphManifest, subgraphVariables, type SubgraphName } from '../src/subgraphManifest.ts';

/**
 * Bad values for every variable the schema reads but the per-subgraph ones. Typed by the schema's
 * keys, so a new variable without bad values does not compile; the test below walks the schema's
 * keys, not this table.
 */
const shared: Record<Exclude<(typeof configVariables)[number], `${Uppercase<SubgraphName>}_PORT` | `SUBGRAPH_${string}_URL`>, string[]> = {
  NODE_ENV: ['prod', 'Production'],
  LOG_LEVEL: ['verbose', 'INFO'],
  HOST: ['http://0.0.0.0', 'my host', '127.0.0.1/24'],
  GATEWAY_PORT: ['http', '-1', '65536', '4000.5', '0x10', '1e3'],
  WORKER_PORT: ['http', '-1', '65536'],
  DATABASE_URL: ['mysql://db/chief', 'localhost:5432', 'postgres://'],
  DATABASE_EMBEDDED: ['yes', '1', 'TRUE'],
  DB_POOL_MAX: ['ten', '0', '201', '-5', '2.5', '10 connections'],
  PGLITE_DATA_DIR: ['   '],
  AUTH_JWT_SECRET: ['short-secret'],
  AUTH_JWKS_URL: ['idp.example/jwks.json', 'ldap://idp.example/keys'],
  AUTH_ISSUER: ['   '],
  AUTH_AUDIENCE: ['   '],
  SUBGRAPH_SECRET: ['too-short'],
  API_KEY_SECRET: ['too-short'],
  METRICS_TOKEN: ['short', 'a token with spaces in it'],
  TRUSTED_PROXIES: ['proxy.example', '10.0.0.0/33', '10.0.0.1,,10.0.0.2'],
  ENCRYPTION_KEY: ['not-base64-at-all', Buffer.alloc(16).toString('base64'), `${Buffer.alloc(32).toString('base64')}!`],
  SUPERGRAPH_SOURCE: ['registry'],
  SUPERGRAPH_PATH: ['  '],
  MAX_PAGE_SIZE: ['0', '1001', 'all'],
  DEMO_DATA: ['on'],
  OPENAI_API_KEY: ['   '],
  OPENAI_BASE_URL: ['localhost:8080/v1', 'ftp://models.example/v1'],
  OPENAI_EMBEDDING_MODEL: ['text embedding', '-model'],
  EMBEDDINGS_REQUESTS_PER_MINUTE: ['0', '100001', 'fast'],
  SEARCH_INDEXER: ['yes', '1'],
  SEARCH_SWEEP_MS: ['99', '60001', 'often'],
  SUBGRAPH_BATCHING: ['yes', 'off'],
  SUBGRAPH_DEDUPLICATION: ['1', 'no'],
  GRAPHQL_COMPILE_AFTER: ['-1', '1000001', 'twice'],
  SUBSCRIPTION_POLL_MS: ['49', '60001', 'a second'],
  SUBSCRIPTION_RETENTION_HOURS: ['0', 'a week'],
  SUBSCRIPTION_BUFFER_EVENTS: ['0', '-1'],
  SUBSCRIPTION_BUFFER_BYTES: ['0', '1 MB'],
  SUBSCRIPTIONS_PER_CONNECTION: ['0', 'many'],
  SUBSCRIPTIONS_PER_USER: ['0', '2.5'],
  CONNECTION_INIT_TIMEOUT_MS: ['99', '600001', 'soon'],
  REDIS_URL: ['localhost:6379', 'http://127.0.0.1:6379'],
  RATE_LIMIT_WINDOW_SECONDS: ['0', 'a minute'],
  RATE_LIMIT_USER_MAX: ['0', '-1'],
  RATE_LIMIT_KEY_MAX: ['0', 'many'],
  MAX_QUERY_DEPTH: ['0', 'deep'],
  MAX_QUERY_COST: ['0', '1.5'],
  MAX_ALIASES: ['0', 'x'],
  MAX_TOKENS: ['0', 'x'],
  MAX_BODY_BYTES: ['0', '1mb'],
  REQUEST_TIMEOUT_MS: ['0', '15s', '2147483648'],
  INTROSPECTION: ['enabled'],
  TRUSTED_DOCUMENTS: ['required', 'on'],
  TRUSTED_DOCUMENTS_PATH: ['   '],
  TRUSTED_DOCUMENTS_CLIENTS: ['web,,ios', ',', '   '],
};

/** ...and for each subgraph's port and URL, from the manifest. */
const badValues: Record<string, string[]> = {
  ...Object.fromEntries(
    subgraphManifest.flatMap(({ name }) => [
      [subgraphVariables(name).port, ['four', '70000', '-1']],
      [subgraphVariables(name).url, ['localhost:4001', 'ftp://127.0.0.1/graphql', 'not a url']],
    ]),
  ),
  ...shared,
};

const SECRETS = new Set(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'AUTH_JWT_SECRET', 'SUBGRAPH_SECRET', 'API_KEY_SECRET', 'ENCRYPTION_KEY', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL']);

/** The message loadConfig throws for `env`, or fails the test when it accepts it. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('starts from defaults alone', () => {
    expect(loadConfig({}).ports).toEqual({ gateway: 4000, ...Object.fromEntries(subgraphManifest.map((s) => [s.name, s.port])) });
  });

  it.each(configVariables)('refuses a bad %s with a message naming it and what it expects', (name) => {
    const values = badValues[name];
    expect(values?.length, `add bad values for ${name} to this test`).toBeGreaterThan(0);
    for (const value of values ?? []) {
      const message = refusal({ [name]: value });
      const line = message.split('\n').find((l) => l.trim().startsWith(`${name}:`));
      expect(line, `${name}=${JSON.stringify(value)} gave:\n${message}`).toMatch(new RegExp(`^  ${name}: expected \\S.{5,}`));
      // Secrets (and URLs, which may carry passwords) are never repeated back.
      if (SECRETS.has(name)) expect(line).toMatch(/ \(value not shown\)$/);
      else expect(line).toContain(`, got ${JSON.stringify(value)}`);
    }
  });

  it('accepts the documented forms of every kind of value', () => {
    const config = loadConfig({
      HOST: '0.0.0.0', GATEWAY_PORT: '0', DB_POOL_MAX: '200', DATABASE_URL: 'postgresql://u:p@db:5432/chief', DATABASE_EMBEDDED: 'true',
      SUBGRAPH_CORE_URL: 'https://core.internal/graphql', AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example/',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), SUBGRAPH_SECRET: 's'.repeat(32), API_KEY_SECRET: 'k'.repeat(32), REDIS_URL: 'rediss://cache:6380',
      TRUSTED_DOCUMENTS_CLIENTS: 'web, ios', TRUSTED_PROXIES: '10.0.0.0/8, loopback, 192.168.1.7', METRICS_TOKEN: 'prometheus-scrape-token',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0', dbPoolMax: 200, databaseEmbedded: true, ports: { gateway: 0 }, trustedDocuments: { clients: ['web', 'ios'] },
      trustedProxies: ['10.0.0.0/8', 'loopback', '192.168.1.7'], metricsToken: 'prometheus-scrape-token',
    });
  });

  it('refuses a subgraph URL under its old name rather than ignore it', () => {
    expect(refusal({ CORE_URL: 'http://core:4001/graphql' })).toMatch(/CORE_URL: renamed SUBGRAPH_CORE_URL/);
  });

  it('refuses the published development secrets on an interface other machines reach', () => {
    expect(refusal({ HOST: '0.0.0.0' })).toMatch(/HOST: 0\.0\.0\.0 is reachable from other machines, but AUTH_JWT_SECRET, SUBGRAPH_SECRET, ENCRYPTION_KEY, API_KEY_SECRET would be the development defaults/);
    expect(
      refusal({ HOST: '10.0.0.5', AUTH_JWT_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), API_KEY_SECRET: 'k'.repeat(32) }),
    ).toMatch(/but SUBGRAPH_SECRET would be/);
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  it('stops a process at start-up, before it listens, with the message on stderr', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DB_POOL_MAX: 'lots', GATEWAY_PORT: '0' },
    }).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DB_POOL_MAX: expected a whole number from 1 to 200, got "lots"/);
  });
});
