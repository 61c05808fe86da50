import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { connectSubscriptions, latestLogCursor, readMetric, type SubscriptionClient } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const METRICS_TOKEN = 'scrape-token-for-subscriptions';

const TASK_CHANGED = `subscription Watch($after: String, $filter: TaskFilter) {
  taskChanged(after: $after, filter: $filter) {
    cursor action
    task { id title status assignee { name } founder { email } }
    event { type cursor origin { actorType } }
  }
}`;

interface TaskChanged {
  taskChanged: {
    cursor: string;
    action: string;
    task: { id: string; title: string; status: string; assignee: { name: string } | null; founder: { email: string } | null } | null;
    event: { type: string; cursor: string; origin: { actorType: string } };
  };
}

describe('subscriptions at the gateway (graphql-ws)', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  let other: WorkspaceFixture;
  const clients: SubscriptionClient[] = [];
  const connect = (token: string) => {
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  };
  const createTask = async (title: string, fixture = ws, assigned = true) =>
    expectData(await chief.request<Ids<'createTask'>>(
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
      { input: { title, founderId: fixture.founderId, ...(assigned ? { assigneeId: fixture.users.member.memberId } : {}) } },
      { token: fixture.users.owner.token },
    )).createTask.id;
  // Subscribing after the log's newest event: nothing written from here on can be missed, however late the subscription starts.
  const fromNow = async (fixture = ws) => ({ after: await latestLogCursor(chief, fixture.users.owner.token) });
  const gatewayMetric = (name: string) => readMetric(chief.gatewayUrl, METRICS_TOKEN, name);
  const resolvedEvents = () => gatewayMetric('chief_subscription_events_resolved_total');

  beforeAll(async () => {
    chief = await startTestChief({ METRICS_TOKEN, SUBSCRIPTION_POLL_MS: '200' });
    ws = await createWorkspaceFixture(chief, 'Live');
    other = await createWorkspaceFixture(chief, 'Elsewhere');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await chief?.stop();
  });

  it('delivers each change with the whole selection, fields of core and ops included', async () => {
    const watched = connect(ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, await fromNow());
    const id = await createTask('Ship the live dashboard');
    const [result] = await watched.until(1);
    expect(result!.errors).toBeUndefined();
    const change = result!.data!.taskChanged;
    expect(change.action).toBe('CREATED');
    expect(change.task).toEqual({ id, title: 'Ship the live dashboard', status: 'TODO', assignee: { name: 'Live member' }, founder: { email: 'founder@live.test' } });
    expect(change.event).toMatchObject({ type: 'work.task.created', origin: { actorType: 'user' } });
    expect(change.cursor).toBe(change.event.cursor);
    watched.stop();
  });

  it('resumes after a cursor with every missed change exactly once, in log order', async () => {
    const first = connect(ws.users.member.token);
    const watched = first.watch<TaskChanged>(TASK_CHANGED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createTask('Before the drop');
    const [seen] = await watched.until(1);
    await first.dispose();
    const missed = [await createTask('Missed 1'), await createTask('Missed 2')];
    const again = connect(ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, { after: seen!.data!.taskChanged.cursor });
    const replayed = await again.until(2);
    expect(replayed.map((r) => r.data!.taskChanged.task!.id)).toEqual(missed);
    const live = await createTask('Live after the replay');
    const all = await again.until(3);
    expect(all[2]!.data!.taskChanged.task!.id).toBe(live);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(again.results).toHaveLength(3);
    again.stop();
  });

  it('resolves an event once for identical subscribers, who keep receiving when the first leaves', async () => {
    const after = await fromNow();
    const active = await gatewayMetric('chief_subscribers');
    const subscribers = [0, 1, 2].map(() => connect(ws.users.admin.token).watch<TaskChanged>(TASK_CHANGED, after));
    // All three joined before the event: the shared subscription resolves once for all of them.
    while ((await gatewayMetric('chief_subscribers')) < active + 3) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await resolvedEvents();
    await createTask('Seen by three');
    await Promise.all(subscribers.map((s) => s.until(1)));
    expect(await resolvedEvents()).toBe(before + 1);
    subscribers[0]!.stop();
    await createTask('Seen by two');
    await Promise.all(subscribers.slice(1).map((s) => s.until(2)));
    expect(await resolvedEvents()).toBe(before + 2);
    for (const s of subscribers.slice(1)) s.stop();
  });

  it('merges subscribers that resumed from different cursors once they reach the same event: one resolution per event again', async () => {
    const older = await fromNow();
    const a = await createTask('Resumed by one');
    const newer = await fromNow();
    const b = await createTask('Resumed by both');
    const groups = await gatewayMetric('chief_subscription_groups');
    const fromOlder = connect(ws.users.viewer.token).watch<TaskChanged>(TASK_CHANGED, older);
    const fromNewer = connect(ws.users.viewer.token).watch<TaskChanged>(TASK_CHANGED, newer);
    expect((await fromOlder.until(2)).map((r) => r.data!.taskChanged.task!.id)).toEqual([a, b]);
    expect((await fromNewer.until(1)).map((r) => r.data!.taskChanged.task!.id)).toEqual([b]);
    // Both have delivered b: one group serves them from here.
    while ((await gatewayMetric('chief_subscription_groups')) > groups + 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await resolvedEvents();
    const c = await createTask('Seen by both once');
    expect((await fromOlder.until(3))[2]!.data!.taskChanged.task!.id).toBe(c);
    expect((await fromNewer.until(2))[1]!.data!.taskChanged.task!.id).toBe(c);
    expect(await resolvedEvents()).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([fromOlder.results.length, fromNewer.results.length]).toEqual([3, 2]);
    fromOlder.stop();
    fromNewer.stop();
  });

  it('never delivers another workspace\'s change, nor takes its cursors', async () => {
    const elsewhere = connect(other.users.member.token);
    const watched = elsewhere.watch<TaskChanged>(TASK_CHANGED, await fromNow(other));
    await createTask('Not for Elsewhere');
    const mine = await createTask('For Elsewhere', other);
    const [result] = await watched.until(1);
    expect(result!.data!.taskChanged.task!.id).toBe(mine);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watched.results).toHaveLength(1);
    watched.stop();

    // A cursor of Live's log is unknown in Elsewhere: the socket closes with its code.
    const spy = connect(ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, await fromNow());
    await createTask('A cursor of Live');
    const [live] = await spy.until(1);
    const thief = connect(other.users.member.token);
    thief.watch(TASK_CHANGED, { after: live!.data!.taskChanged.cursor });
    expect(await thief.closed).toMatchObject({ code: 4442 });
  });

  it('closes with the named codes: bad credentials, unknown cursor, expired token, removed membership', async () => {
    const anonymous = connectSubscriptions(chief.gatewayUrl, {});
    clients.push(anonymous);
    anonymous.watch(TASK_CHANGED);
    expect(await anonymous.closed).toMatchObject({ code: 4401 });

    const made = connect(ws.users.member.token);
    made.watch(TASK_CHANGED, { after: 'not-a-cursor' });
    const unknown = await made.closed;
    expect(unknown.code).toBe(4442);
    expect(unknown.reason).toMatch(/subscribe without after/);

    const shortLived = connect(await chief.token(ws.users.member.userId, { workspaceId: ws.id, expiresIn: '2s' }));
    shortLived.watch(TASK_CHANGED);
    expect(await shortLived.closed).toMatchObject({ code: 4440 });

    const leaving = await createWorkspaceFixture(chief, 'Leaving');
    const watcher = connect(leaving.users.member.token);
    const watched = watcher.watch<TaskChanged>(TASK_CHANGED, await fromNow(leaving));
    expectData(await chief.request(`mutation { removeMember(id: "${leaving.users.member.memberId}") }`, {}, { token: leaving.users.owner.token }));
    await createTask('After the removal', leaving, false);
    expect(await watcher.closed).toMatchObject({ code: 4403 });
    expect(watched.results.filter((r) => r.data?.taskChanged.task?.title === 'After the removal')).toHaveLength(0);
  });

  it('shares nothing between two API keys with the same subscription, and ends a revoked key\'s stream (4403)', async () => {
    const keyOf = async (fixture: WorkspaceFixture) =>
      expectData(await chief.request<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
        'mutation { createApiKey(input: { name: "Live", scopes: [READ] }) { apiKey { id } secret } }', {}, { token: fixture.users.admin.token },
      )).createApiKey;
    const [mine, theirs] = [await keyOf(ws), await keyOf(other)];
    const byMine = connect(mine.secret);
    const watchedMine = byMine.watch<TaskChanged>(TASK_CHANGED, await fromNow());
    const watchedTheirs = connect(theirs.secret).watch<TaskChanged>(TASK_CHANGED, await fromNow(other));
    const mineTask = await createTask('For the first key');
    const theirTask = await createTask('For the second key', other);
    expect((await watchedMine.until(1))[0]!.data!.taskChanged.task!.id).toBe(mineTask);
    expect((await watchedTheirs.until(1))[0]!.data!.taskChanged.task!.id).toBe(theirTask);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect([watchedMine.results.length, watchedTheirs.results.length]).toEqual([1, 1]);
    expectData(await chief.request(`mutation { revokeApiKey(id: "${mine.apiKey.id}") { id } }`, {}, { token: ws.users.admin.token }));
    expect(await byMine.closed).toMatchObject({ code: 4403 });
    watchedTheirs.stop();
  });

  it('gives a bad argument its own error and refuses subscriptions over HTTP', async () => {
    const client = connect(ws.users.member.token);
    const watched = client.watch('subscription Events { eventAppended(types: ["no.such.type"]) { id } }');
    await watched.ended;
    expect(watched.results).toHaveLength(1);
    expect(watched.results[0]!.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'types' } }]);
    const response = await chief.request('subscription Events { eventAppended { id } }', {}, { token: ws.users.member.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
