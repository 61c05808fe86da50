import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { createCoreSubgraph } from '@chief/subgraph-core';
import { createLogger } from '@chief/runtime';
import { CROSS_QUERY, seedTasks } from './support/crossDomain.ts';
import { expectData, startTestChief, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const METRICS_TOKEN = 'scrape-token-for-prometheus';
const scrape = (url: string, token = METRICS_TOKEN) => fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${token}` } });

describe('logs, metrics and health', () => {
  const lines: Record<string, unknown>[] = [];
  let chief: TestChief;
  let contactId: string;
  let token: string;

  beforeAll(async () => {
    chief = await startTestChief({ LOG_LEVEL: 'debug', METRICS_TOKEN }, { logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const ws = await createWorkspaceFixture(chief, 'Observed');
    contactId = await seedTasks(chief, ws, 3);
    token = ws.users.member.token;
  });
  afterAll(() => chief?.stop());

  it('logs one JSON line per request in the gateway (info) and, at debug, in every subgraph it called, under one request id', async () => {
    const requestId = `trace-${randomUUID()}`;
    const result = await chief.request(CROSS_QUERY, { first: 10, contactId }, { token, headers: { 'x-request-id': requestId } });
    expectData(result);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const mine = lines.filter((l) => l.requestId === requestId && l.msg === 'graphql request');
    expect(new Set(mine.map((l) => l.service))).toEqual(new Set(['gateway', 'core', 'work']));
    const gateway = mine.find((l) => l.service === 'gateway')!;
    expect(gateway).toMatchObject({ level: 30, operation: 'Cross', status: 200 });
    expect(mine.filter((l) => l.service !== 'gateway').every((l) => l.level === 20)).toBe(true);
    expect(typeof gateway.ms).toBe('number');
    expect(typeof gateway.time).toBe('string');
  });

  it('exports Prometheus metrics per operation name and per subgraph', async () => {
    expectData(await chief.request(CROSS_QUERY, { first: 10, contactId }, { token }));
    const gateway = parseMetrics(await (await scrape(chief.gatewayUrl)).text());
    expect(gateway('chief_graphql_requests_total', { operation: 'Cross', status: '200', service: 'gateway' })).toBeGreaterThanOrEqual(1);
    expect(gateway('chief_graphql_request_duration_seconds_count', { operation: 'Cross', service: 'gateway' })).toBeGreaterThanOrEqual(1);
    // The subgraphs the cross-subgraph query reaches.
    for (const subgraph of ['core', 'work']) {
      expect(gateway('chief_subgraph_requests_total', { subgraph, outcome: 'ok', service: 'gateway' })).toBeGreaterThanOrEqual(1);
      expect(gateway('chief_subgraph_request_duration_seconds_count', { subgraph, service: 'gateway' })).toBeGreaterThanOrEqual(1);
    }
    const core = parseMetrics(await (await scrape(chief.subgraphUrls.core)).text());
    // The gateway names its subgraph operations after the client's: Cross__core__<n>.
    expect(core('chief_graphql_requests_total', { operation: /^Cross__core__\d+$/, status: '200', service: 'core' })).toBeGreaterThanOrEqual(1);
  });

  it('sends no usage data to Apollo (@apollo/gateway\'s own telemetry is off)', () => {
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('shows metrics (every tenant\'s operation names) only to the holder of the metrics token', async () => {
    for (const url of [chief.gatewayUrl, ...Object.values(chief.subgraphUrls)]) {
      expect((await fetch(new URL('/metrics', url))).status).toBe(401);
      expect((await scrape(url, 'not-the-metrics-token')).status).toBe(401);
      expect((await scrape(url)).status).toBe(200);
    }
    const unset = await startTestChief();
    try {
      expect((await scrape(unset.gatewayUrl)).status).toBe(404);
    } finally {
      await unset.stop();
    }
  });

  it('reports ready only while the database answers', async () => {
    for (const url of [chief.gatewayUrl, ...Object.values(chief.subgraphUrls)]) {
      expect((await fetch(new URL('/health', url))).status).toBe(200);
      expect((await fetch(new URL('/ready', url))).status).toBe(200);
    }
    // A core whose database is unreachable is up but not ready.
    const sql = createSqlClient('postgres://nobody:nothing@127.0.0.1:1/none', { max: 1 });
    const orphan = await createCoreSubgraph({ sql, config: chief.config, logger: createLogger('core', 'silent') }).listen(0);
    try {
      expect((await fetch(new URL('/health', orphan.url))).status).toBe(200);
      expect((await fetch(new URL('/ready', orphan.url))).status).toBe(503);
    } finally {
      await orphan.close();
      await sql.end({ timeout: 1 });
    }
  });
});

/** Reads Prometheus' text format: the value of a series by name and (a subset of) its labels. */
function parseMetrics(text: string) {
  const series = text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return { name: match[1], labels, value: Number(match[3]) };
  });
  const matches = (value: string | undefined, expected: string | RegExp) => (typeof expected === 'string' ? value === expected : expected.test(value ?? ''));
  return (name: string, labels: Record<string, string | RegExp>) =>
    series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => matches(s.labels[k], v)))?.value;
}
