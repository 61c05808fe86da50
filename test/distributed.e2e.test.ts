import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CROSS_QUERY, expectCrossData, seedTasks, type CrossData } from './support/crossDomain.ts';
import { spawnService, tsxEntry, type SpawnedService } from './support/spawnService.ts';
import { createClient, errorOf, expectData, TEST_ENV, type ChiefClient } from './support/startTestChief.ts';
import { createWorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { subgraphNames, subgraphVariables } from '@chief/runtime';
import { probeOf } from './support/subgraphProbe.ts';

/**
 * Distributed mode: every subgraph of the manifest and the gateway each in its own process,
 * configured only by environment as a deployment would, against one database, in production mode
 * (supergraph from the committed file, secrets required).
 */
describe('each subgraph and the gateway as its own process', () => {
  const shared = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    DATABASE_URL: inject('databaseUrl'),
    DATABASE_EMBEDDED: String(inject('databaseEmbedded')),
    AUTH_JWT_SECRET: TEST_ENV.AUTH_JWT_SECRET,
    SUBGRAPH_SECRET: TEST_ENV.SUBGRAPH_SECRET,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    API_KEY_SECRET: randomBytes(32).toString('base64'),
  };
  const services: SpawnedService[] = [];
  const subgraphs = new Map<string, SpawnedService>();
  let gateway: SpawnedService;
  let client: ChiefClient;

  beforeAll(async () => {
    // One after the other: each runs the migrations at start-up (a no-op by now).
    for (const name of subgraphNames) {
      const service = await spawnService(tsxEntry(`subgraphs/${name}/src/main.ts`), { ...shared, [subgraphVariables(name).port]: '0' });
      services.push(service);
      subgraphs.set(name, service);
    }
    gateway = await spawnService(tsxEntry('gateway/src/main.ts'), {
      ...shared,
      GATEWAY_PORT: '0',
      ...Object.fromEntries(subgraphNames.map((name) => [subgraphVariables(name).url, subgraphs.get(name)!.url])),
      SUPERGRAPH_SOURCE: 'file',
      SUPERGRAPH_PATH: 'schema/supergraph.graphql',
    });
    services.push(gateway);
    client = createClient(gateway.url);
  });
  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
  });

  it('answers the cross-subgraph query through the gateway', async () => {
    const ws = await createWorkspaceFixture(client, 'Spread');
    const contactId = await seedTasks(client, ws, 6);
    const data = expectData(await client.request<CrossData>(CROSS_QUERY, { first: 10, contactId }, { token: ws.users.member.token }));
    expectCrossData(data, ws, 'Spread', 6, 'founder@spread.test');
  });

  it('serves /health and /ready on every process', async () => {
    for (const service of services) {
      for (const path of ['/health', '/ready']) {
        const response = await fetch(new URL(path, service.url));
        expect(response.status, `${service.url} ${path}`).toBe(200);
      }
    }
  });

  it('keeps every subgraph closed to a direct call', async () => {
    for (const name of subgraphNames) {
      const result = await client.request((await probeOf(name)).query, {}, { url: subgraphs.get(name)!.url, token: await client.token('someone') });
      expect(result.status, name).toBe(401);
      expect(errorOf(result).code).toBe('UNAUTHENTICATED');
    }
  });

  it('hides internals from errors in production', async () => {
    const result = await client.request('{ task(id: "x") { id } }', {}, { token: await client.token('nobody') });
    expect(JSON.stringify(result.body)).not.toMatch(/stacktrace|at .*\.ts/);
  });

  it('stops each process cleanly on SIGTERM', async () => {
    for (const service of [...services].reverse()) expect(await service.stop(), service.output()).toBe(0);
  });
});

describe('a process with bad configuration', () => {
  it('stops before starting and names the variable and what it expects', async () => {
    const failure = spawnService(tsxEntry('subgraphs/core/src/main.ts'), { NODE_ENV: 'production', DATABASE_URL: 'mysql://nope', CORE_PORT: 'eighty' }, { timeoutMs: 30_000 });

    const message = await failure.then(() => '', (error: Error) => error.message);
    expect(message).toMatch(/exited with 1/);
    expect(message).toMatch(/CORE_PORT: expected a port number/);
    expect(message).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
  });
});
