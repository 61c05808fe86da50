import { inject } from 'vitest';
import { describe, it } from 'vitest';
import { CROSS_QUERY, seedTasks } from '../support/crossDomain.ts';
import { expectData, startTestChief } from '../support/startTestChief.ts';
import { createWorkspaceFixture } from '../../subgraphs/core/test/fixtures.ts';

/**
 * `npm run bench`: requests per second and latency through the gateway, for the cross-subgraph
 * query (20 tasks with assignee, founder and contact, and a contact's tasks) and for a query the
 * gateway answers alone, at a fixed concurrency. Prints figures; asserts nothing about speed.
 */
describe('gateway throughput', () => {
  it('prints requests per second and latency percentiles', { timeout: 300_000 }, async () => {
    const chief = await startTestChief({ RATE_LIMIT_USER_MAX: '1000000', RATE_LIMIT_KEY_MAX: '1000000' });
    try {
      const ws = await createWorkspaceFixture(chief, 'Bench');
      const contactId = await seedTasks(chief, ws, 20);
      const { createApiKey } = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Bench" }) { secret } }', {}, { token: ws.users.owner.token }));
      const cross = { query: CROSS_QUERY, variables: { first: 20, contactId } };
      // An API key costs one more hop per request: its lookup at core (revocation is immediate).
      const scenarios = {
        'cross-subgraph (core + work, 20 tasks)': { ...cross, token: ws.users.member.token },
        'cross-subgraph with an API key': { ...cross, token: createApiKey.secret as string },
        'gateway only ({ __typename })': { query: '{ __typename }', variables: {}, token: ws.users.member.token },
      };
      console.log(`database: ${inject('databaseEmbedded') ? 'embedded PGlite' : 'DATABASE_URL'}; concurrency 8; 10 s per scenario after 2 s warm-up`);
      for (const [name, { token, ...body }] of Object.entries(scenarios)) {
        await load(chief.gatewayUrl, token, body, 2_000);
        const { count, latencies, errors } = await load(chief.gatewayUrl, token, body, 10_000);
        latencies.sort((a, b) => a - b);
        const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
        console.log(`${name}: ${(count / 10).toFixed(0)} req/s, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, errors ${errors}`);
      }
      console.log(`gateway process RSS: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (all services and the embedded database share it)`);
    } finally {
      await chief.stop();
    }
  });
});

async function load(url: string, token: string, body: { query: string; variables: Record<string, unknown> }, ms: number) {
  const until = Date.now() + ms;
  const latencies: number[] = [];
  let errors = 0;
  const payload = JSON.stringify(body);
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: payload });
      const result = (await response.json()) as { errors?: unknown[] };
      if (!response.ok || result.errors) errors++;
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { count: latencies.length, latencies, errors };
}
