import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configVariables, loadConfig, subgraphManifest, subgraphNames, subgraphVariables, type ConfigScope } from '@chief/runtime';
import { deploymentFiles } from '../scripts/deploymentFiles.ts';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

// What an operator provides (the file requires these with ${NAME:?...}).
const operatorEnv: Record<string, string> = {
  SUBGRAPH_SECRET: 'compose-subgraph-secret-compose-subgraph-1',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  API_KEY_SECRET: 'compose-api-key-secret-compose-api-key-01',
  AUTH_JWT_SECRET: 'compose-jwt-secret-compose-jwt-secret-0123',
};

/** Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}. */
function interpolate(value: string | number, env: Record<string, string>): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (env[name]) return env[name];
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

const environmentOf = (service: ComposeService, env = operatorEnv) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, env)]));

/** Each process the repository can run on its own, by compose service name. */
const entryPoints = new Map<string, string>([
  ...readdirSync('subgraphs')
    .filter((name) => existsSync(`subgraphs/${name}/src/main.ts`))
    .map((name) => [name, `subgraphs/${name}/src/main.ts`] as [string, string]),
  ['gateway', 'gateway/src/main.ts'],
  ['worker', 'scripts/startWorker.ts'],
]);

const portOf = (service: string, env: Record<string, string>) =>
  Number(env[service === 'gateway' ? 'GATEWAY_PORT' : service === 'worker' ? 'WORKER_PORT' : subgraphVariables(service).port]);

describe('the subgraph manifest', () => {
  it('lists every folder under subgraphs/, each with its entry point, package, name and port', () => {
    const folders = readdirSync('subgraphs', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect([...subgraphNames].sort()).toEqual(folders.sort());
    for (const { name, package: pkg, port } of subgraphManifest) {
      expect(JSON.parse(readFileSync(`subgraphs/${name}/package.json`, 'utf8')).name).toBe(pkg);
      expect(readFileSync(`subgraphs/${name}/src/main.ts`, 'utf8')).toContain(`runSubgraphProcess('${name}'`);
      expect(port).toBeGreaterThan(4000);
    }
    expect(new Set(subgraphManifest.map((s) => s.port)).size).toBe(subgraphManifest.length);
    // Names become folders, Postgres schemas and variable names (<NAME>_PORT): lowercase letters, none the gateway's.
    for (const { name } of subgraphManifest) expect(name).toMatch(/^(?!gateway$)[a-z]+$/);
  });

  it('generated the committed Dockerfile and docker-compose.yml (npm run docker:generate)', () => {
    const { workspaces } = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] };
    for (const [path, content] of Object.entries(deploymentFiles(workspaces))) expect(readFileSync(path, 'utf8'), `${path} is stale: npm run docker:generate`).toBe(content);
  });
});

describe('docker-compose.yml', () => {
  it('runs Postgres from a pgvector image and Redis, with healthchecks, and the gateway uses that Redis', () => {
    expect(services.postgres?.image).toMatch(/^pgvector\/pgvector:pg1[5-9]$/);
    expect(services.postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.redis?.healthcheck?.test.join(' ')).toMatch(/redis-cli ping/);
    expect(new URL(loadConfig(environmentOf(services.gateway!), 'gateway').redisUrl!).hostname).toBe('redis');
    expect(services.gateway!.depends_on?.redis?.condition).toBe('service_healthy');
  });

  it('has a service for every process the code can run on its own, and no other', () => {
    const appServices = Object.keys(services).filter((name) => !services[name]!.image);
    expect(appServices.sort()).toEqual([...entryPoints.keys()].sort());
  });

  it.each([...entryPoints])('runs %s with its real entry point from the image the Dockerfile builds', (name, entry) => {
    const service = services[name]!;
    expect(service.build).toBe('.');
    expect(service.command).toEqual(['node', '--import', 'tsx', entry]);
    expect(existsSync(entry)).toBe(true);
  });

  it.each([...entryPoints.keys()])('gives %s only variables the code reads, and a configuration it accepts in production', (name) => {
    const env = environmentOf(services[name]!);
    for (const key of Object.keys(env)) expect(configVariables, `${name}: ${key} is not read by the code`).toContain(key);
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0');
    const config = loadConfig(env, name as ConfigScope);
    if (name !== 'gateway') {
      // Subgraphs in their own process refuse to start without DATABASE_URL.
      expect(new URL(config.databaseUrl!).hostname).toBe('postgres');
      expect(services[name]!.depends_on).toBeDefined();
    }
  });

  it('makes the operator provide every secret, and fails clearly without one', () => {
    for (const { name, secrets } of subgraphManifest) {
      for (const missing of ['SUBGRAPH_SECRET', ...secrets]) expect(() => environmentOf(services[name]!, { ...operatorEnv, [missing]: '' })).toThrow(missing);
    }
    expect(() => environmentOf(services.gateway!, { ...operatorEnv, API_KEY_SECRET: '' })).toThrow('API_KEY_SECRET');
    const gatewayWithoutAuth = environmentOf(services.gateway!, { ...operatorEnv, AUTH_JWT_SECRET: '' });
    expect(() => loadConfig(gatewayWithoutAuth, 'gateway')).toThrow(/AUTH_JWT_SECRET: required in production \(or set AUTH_JWKS_URL\)/);
  });

  it('points the gateway at each subgraph on the port it listens on, from the committed supergraph', () => {
    const gateway = loadConfig(environmentOf(services.gateway!), 'gateway');
    expect(gateway.supergraph).toEqual({ source: 'file', path: 'schema/supergraph.graphql' });
    expect(existsSync(gateway.supergraph.path)).toBe(true);
    for (const [name, url] of Object.entries(gateway.subgraphUrls)) {
      const listens = portOf(name, environmentOf(services[name]!));
      expect(new URL(url).hostname).toBe(name);
      expect(Number(new URL(url).port)).toBe(listens);
      expect(services.gateway!.depends_on?.[name]?.condition).toBe('service_healthy');
    }
    expect(services.gateway!.ports).toEqual([`${gateway.ports.gateway}:${gateway.ports.gateway}`]);
  });

  it.each([...entryPoints.keys()])('checks %s for readiness on the port it listens on', (name) => {
    const port = portOf(name, environmentOf(services[name]!));
    expect(Number.isInteger(port) && port > 0).toBe(true);
    expect(services[name]!.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/ready`);
  });

  it('builds from a Dockerfile that installs every workspace and has tsx at run time', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[]; dependencies: Record<string, string> };
    const workspaces = manifest.workspaces.flatMap((pattern) =>
      pattern.endsWith('/*') ? readdirSync(pattern.slice(0, -2)).map((d) => `${pattern.slice(0, -2)}/${d}`) : [pattern],
    );
    for (const workspace of workspaces) expect(dockerfile, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(manifest.dependencies.tsx, 'the image omits devDependencies').toBeDefined();
  });
});
