import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@chief/gateway';
import { createLogger, processLogTails, processLogWakeups, subgraphNames, type RunningServer } from '@chief/runtime';
import { expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { connectSubscriptions, latestLogCursor, readMetric, type SubscriptionClient } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const METRICS_TOKEN = 'scrape-token-for-the-lifecycle';
const PER_CONNECTION = 10;
const PER_USER = 12;

const TASK_CHANGED = 'subscription Watch($after: String) { taskChanged(after: $after) { cursor task { id title description } } }';

interface TaskChanged {
  taskChanged: { cursor: string; task: { id: string; title: string; description: string | null } | null };
}

const rawSockets: WebSocket[] = [];

/** A graphql-transport-ws socket driven by hand: one that can stop reading, or go away mid-subscribe. */
async function rawSocket(gatewayUrl: string, token: string) {
  const socket = new WebSocket(gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  rawSockets.push(socket);
  const messages: { id?: string; type: string; payload?: unknown }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    socket,
    messages,
    closed,
    subscribe: (id: string, variables: Record<string, unknown>) => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: TASK_CHANGED, variables } })),
  };
}

describe('subscription lifecycle at the gateway: slow consumers, teardown, timeouts, caps, restarts', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  const clients: SubscriptionClient[] = [];
  const connect = (url: string, token: string) => {
    const client = connectSubscriptions(url, { authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  };
  const createTask = async (title: string, description?: string) =>
    expectData(await chief.request<Ids<'createTask'>>(
      'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      { input: { title, founderId: ws.founderId, description } },
      { token: ws.users.owner.token },
    )).createTask.id;
  const metric = (name: string, label?: string) => readMetric(chief.gatewayUrl, METRICS_TOKEN, name, label);
  const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    chief = await startTestChief({
      METRICS_TOKEN,
      SUBSCRIPTION_POLL_MS: '200',
      SUBSCRIPTION_BUFFER_EVENTS: '4',
      SUBSCRIPTION_BUFFER_BYTES: '65536',
      SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION),
      SUBSCRIPTIONS_PER_USER: String(PER_USER),
      CONNECTION_INIT_TIMEOUT_MS: '500',
    });
    ws = await createWorkspaceFixture(chief, 'Lifecycle');
  });
  afterAll(async () => {
    for (const socket of rawSockets) socket.terminate();
    await Promise.all(clients.map((c) => c.dispose()));
    await chief?.stop();
  });

  it('closes a client that stops reading with the slow-consumer code, and it resumes from its cursor with nothing lost or repeated', async () => {
    const start = await latestLogCursor(chief, ws.users.owner.token);
    const slow = await rawSocket(chief.gatewayUrl, ws.users.admin.token);
    for (let i = 0; i < PER_CONNECTION; i++) slow.subscribe(String(i), { after: start });
    await eventually(async () => (await metric('chief_subscribers')) >= PER_CONNECTION, 'the subscriptions to start');
    // Stops reading: what the gateway sends piles up in the socket until the kernel's buffers are full.
    slow.socket.pause();
    const closesBefore = await metric('chief_subscription_closes_total', 'code="4441"');
    const written: string[] = [];
    const description = 'x'.repeat(20_000);
    while ((await metric('chief_subscription_closes_total', 'code="4441"')) === closesBefore) {
      if (written.length >= 400) throw new Error('the slow client was never closed');
      written.push(...(await Promise.all([1, 2, 3, 4, 5].map((n) => createTask(`Piling up ${written.length + n}`, description)))));
    }
    slow.socket.resume();
    expect(await slow.closed).toMatchObject({ code: 4441, reason: expect.stringMatching(/resume with your last cursor/) });

    // What subscription 0 got before the close, then from its last cursor: every task once, in log order.
    const got = slow.messages.filter((m) => m.id === '0' && m.type === 'next').map((m) => (m.payload as { data: TaskChanged }).data.taskChanged);
    const resumed = connect(chief.gatewayUrl, ws.users.admin.token).watch<TaskChanged>(TASK_CHANGED, { after: got.at(-1)?.cursor ?? start });
    const rest = await resumed.until(written.length - got.length, 30_000);
    resumed.stop();
    const order = [...got, ...rest.map((r) => r.data!.taskChanged)].map((change) => change.task!.id);
    expect(new Set(order).size).toBe(order.length);
    expect(new Set(order)).toEqual(new Set(written));
    const cursors = [...got, ...rest.map((r) => r.data!.taskChanged)].map((change) => change.cursor);
    expect(cursors).toEqual([...new Set(cursors)]);
  }, 120_000);

  it('leaves nothing behind when subscribers go, also a socket closed while its subscription starts', async () => {
    await eventually(async () => (await metric('chief_subscribers')) === 0 && (await metric('chief_subscription_groups')) === 0, 'earlier subscribers to leave');
    const after = await latestLogCursor(chief, ws.users.owner.token);
    const a = connect(chief.gatewayUrl, ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, { after });
    const b = connect(chief.gatewayUrl, ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, { after });
    await createTask('Seen, then left');
    await Promise.all([a.until(1), b.until(1)]);
    expect(await metric('chief_subscription_groups')).toBe(1);
    expect(await metric('chief_subscribers')).toBe(2);

    // Gone before its subscribe got through the pipeline: the gateway must not start it anyway.
    for (let i = 0; i < 5; i++) {
      const early = await rawSocket(chief.gatewayUrl, ws.users.viewer.token);
      early.subscribe('1', { after });
      early.socket.terminate();
    }
    a.stop();
    b.stop();
    await eventually(async () => (await metric('chief_subscribers')) === 0 && (await metric('chief_subscription_groups')) === 0, 'every subscription to end');
    // No reader is left waiting on the log at the subgraphs (they run in this process).
    await eventually(async () => processLogWakeups.size === 0 && processLogTails.size === 0, 'the subgraphs\' log readers to stop');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([await metric('chief_subscribers'), await metric('chief_subscription_groups'), processLogWakeups.size, processLogTails.size]).toEqual([0, 0, 0, 0]);
  });

  it('closes a connection that sends no connection_init (4408)', async () => {
    const socket = new WebSocket(chief.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const started = Date.now();
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('refuses subscriptions beyond the caps per connection and per user', async () => {
    const after = await latestLogCursor(chief, ws.users.owner.token);
    const one = await rawSocket(chief.gatewayUrl, ws.users.member.token);
    for (let i = 0; i <= PER_CONNECTION; i++) one.subscribe(String(i), { after });
    await eventually(async () => one.messages.some((m) => m.type === 'error'), 'the refusal');
    expect(one.messages.filter((m) => m.type === 'error')).toEqual([
      { id: String(PER_CONNECTION), type: 'error', payload: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED' }) })] },
    ]);
    const two = await rawSocket(chief.gatewayUrl, ws.users.member.token);
    for (let i = 0; i <= PER_USER - PER_CONNECTION; i++) two.subscribe(String(i), { after });
    await eventually(async () => two.messages.some((m) => m.type === 'error'), 'the refusal');
    const refused = two.messages.filter((m) => m.type === 'error');
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(refused[0]!.payload)).toMatch(/A user holds at most 12 subscriptions/);
    one.socket.close();
    two.socket.close();

    // Each API key has a cap of its own: one key at its cap leaves another key's subscriptions alone.
    const key = async (name: string) =>
      expectData(await chief.request<{ createApiKey: { secret: string } }>(`mutation { createApiKey(input: { name: "${name}", scopes: [READ] }) { secret } }`, {}, { token: ws.users.admin.token })).createApiKey.secret;
    const [full, free] = [await key('At its cap'), await key('Free')];
    const sockets = [await rawSocket(chief.gatewayUrl, full), await rawSocket(chief.gatewayUrl, full)];
    for (let i = 0; i < PER_USER; i++) sockets[i < PER_CONNECTION ? 0 : 1]!.subscribe(String(i), { after });
    const other = await rawSocket(chief.gatewayUrl, free);
    other.subscribe('0', { after });
    await createTask('Counted per key');
    await eventually(async () => other.messages.some((m) => m.type === 'next'), 'the free key\'s event');
    expect([...sockets, other].flatMap((socket) => socket.messages.filter((m) => m.type === 'error'))).toEqual([]);
    for (const socket of [...sockets, other]) socket.socket.close();
  });

  it('loses nothing across a gateway restart: events written while no gateway runs arrive on resume', async () => {
    const gatewayConfig = { ...chief.config, ports: { ...chief.config.ports, gateway: 0 } };
    const startGateway = (): Promise<RunningServer> =>
      createGateway({ config: gatewayConfig, logger: createLogger('gateway', 'silent'), subgraphs: subgraphNames.map((name) => ({ name, url: chief.subgraphUrls[name] })) }).listen(0, '127.0.0.1');
    const after = await latestLogCursor(chief, ws.users.owner.token);
    const restarted = await startGateway();
    const before = connect(restarted.url, ws.users.member.token);
    const watched = before.watch<TaskChanged>(TASK_CHANGED, { after });
    const first = await createTask('Before the restart');
    const [seen] = await watched.until(1);
    await restarted.close();
    expect(await before.closed).toMatchObject({ code: 1012 });

    // Written through the other gateway while this one is down.
    const missed = [await createTask('While down 1'), await createTask('While down 2')];
    const again = await startGateway();
    try {
      const resumed = connect(again.url, ws.users.member.token).watch<TaskChanged>(TASK_CHANGED, { after: seen!.data!.taskChanged.cursor });
      await resumed.until(2);
      const live = await createTask('After the restart');
      const results = await resumed.until(3);
      expect([seen, ...results].map((r) => r!.data!.taskChanged.task!.id)).toEqual([first, ...missed, live]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resumed.results).toHaveLength(3);
      resumed.stop();
    } finally {
      await again.close();
    }
  });
});
