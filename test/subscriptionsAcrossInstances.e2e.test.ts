import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { subgraphNames, subgraphVariables } from '@chief/runtime';
import { TEST_ENV, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { connectSubscriptions, latestLogCursor, type SubscriptionClient } from './support/subscriptionClient.ts';
import { spawnService, tsxEntry, type SpawnedService } from './support/spawnService.ts';
import { hasSystemBinary } from './support/hasSystemBinary.ts';
import { startRedis } from './support/startRedis.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** Far beyond the test's wait: an event arriving in time was woken, not polled. */
const POLL_MS = '60000';

const TASK_CHANGED = 'subscription Watch($after: String) { taskChanged(after: $after) { cursor task { id title } } }';

/**
 * Two Chief instances (gateway and subgraphs each: this process, and `npm start`'s entry as a
 * process of its own) on one database and one Redis. A task written through the first reaches
 * subscribers of both within seconds, though neither polls the log for a minute: the
 * second's readers were woken by the first's write over Redis pub/sub.
 */
describe.runIf(hasSystemBinary('redis-server', 'redis-server', 'the Redis wake-up suite'))('subscriptions across gateway instances over Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let first: TestChief;
  let second: SpawnedService;
  let ws: WorkspaceFixture;
  const clients: SubscriptionClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, SUBSCRIPTION_POLL_MS: POLL_MS };
    first = await startTestChief(env);
    const ports = Object.fromEntries(['GATEWAY_PORT', ...subgraphNames.map((name) => subgraphVariables(name).port)].map((variable) => [variable, '0']));
    second = await spawnService(tsxEntry('scripts/start.ts'), {
      ...TEST_ENV,
      ...env,
      ...ports,
      DATABASE_URL: inject('databaseUrl'),
      DATABASE_EMBEDDED: String(inject('databaseEmbedded')),
    }, { waitFor: /GraphQL API\s+(http:\/\/localhost:\d+\/graphql)/, timeoutMs: 120_000 });
    ws = await createWorkspaceFixture(first, 'Two instances');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await second?.stop();
    await first?.stop();
    redis?.stop();
  });

  it('delivers an event written through one instance to the subscribers of both', async () => {
    const after = await latestLogCursor(first, ws.users.owner.token);
    const watch = (url: string) => {
      const client = connectSubscriptions(url, { authorization: `Bearer ${ws.users.member.token}` });
      clients.push(client);
      return client.watch<{ taskChanged: { cursor: string; task: { id: string; title: string } } }>(TASK_CHANGED, { after });
    };
    const onFirst = watch(first.gatewayUrl);
    const onSecond = watch(second.url);
    const createTask = async (title: string) =>
      expectData(await first.request<Ids<'createTask'>>(
        'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
        { input: { title, founderId: ws.founderId } },
        { token: ws.users.owner.token },
      )).createTask.id;
    // However late each reader started, the first task is after its cursor.
    const before = await createTask('Caught up on both');
    await Promise.all([onFirst.until(1, 30_000), onSecond.until(1, 30_000)]);
    // Now both readers wait on their wake-ups: only one can bring the next task within seconds.
    const id = await createTask('Woken on both');
    const [first2, second2] = await Promise.all([onFirst.until(2, 10_000), onSecond.until(2, 10_000)]);
    expect(first2.map((r) => r.data!.taskChanged.task.id)).toEqual([before, id]);
    expect(second2.map((r) => r.data)).toEqual(first2.map((r) => r.data));
  });
});
