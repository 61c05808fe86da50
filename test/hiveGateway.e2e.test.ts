import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTokens, subgraphNames, subgraphVariables } from '@chief/runtime';
import { TEST_ENV, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { spawnService, tsxEntry, type SpawnedService } from './support/spawnService.ts';
import { connectSubscriptions, type SubscriptionClient } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

// The selection spans the three subgraphs: the change from work, the task's assignee from core,
// the event's fields from ops, which Hive fetches per event over HTTP.
const TASK_CHANGED = `subscription Watch($after: String) {
  taskChanged(after: $after) {
    cursor action
    task { id title assignee { name } }
    event { type cursor }
  }
}`;

interface TaskChanged {
  taskChanged: { cursor: string; action: string; task: { id: string; title: string; assignee: { name: string } | null } | null; event: { type: string; cursor: string } };
}

// Hive Gateway (@graphql-hive/gateway from npm, run by the benchmark's script) in front of Chief's
// subgraphs with the committed supergraph: it subscribes to the owning subgraph over graphql-ws,
// as the subgraphs promise routers they can. Hive checks nothing itself, so like the benchmark's
// clients a subscriber presents the token Chief's gateway would have signed for them, and Hive
// passes it on in its own connection_init to the subgraph.
describe('Hive Gateway in front of the subgraphs', () => {
  let chief: TestChief;
  let hive: SpawnedService;
  let live: WorkspaceFixture;
  let other: WorkspaceFixture;
  const clients: SubscriptionClient[] = [];
  const tokens = createInternalTokens(TEST_ENV.SUBGRAPH_SECRET);

  /** A graphql-ws client to Hive, as the fixture's member. */
  const subscribeAsMember = (fixture: WorkspaceFixture) => {
    const token = tokens.sign({ kind: 'user', userId: fixture.users.member.userId, workspaceId: fixture.id, scopes: ['read', 'write'] });
    const client = connectSubscriptions(hive.url, { authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  };
  const createTask = async (fixture: WorkspaceFixture, title: string) =>
    expectData(await chief.request<Ids<'createTask'>>(
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
      { input: { title, founderId: fixture.founderId, assigneeId: fixture.users.member.memberId } },
      { token: fixture.users.owner.token },
    )).createTask.id;
  /**
   * The cursor of a fresh change in the fixture's log: a subscription after it receives the next
   * change whether it starts before or after that change commits, so nothing waits on a timer.
   */
  const freshCursor = async (fixture: WorkspaceFixture) => {
    const id = await createTask(fixture, 'Before Hive subscribes');
    const { task } = expectData(await chief.request<{ task: { history: { edges: { node: { cursor: string } }[] } } }>(
      `query($id: ID!) { task(id: $id) { history(first: 1) { edges { node { cursor } } } } }`,
      { id },
      { token: fixture.users.member.token },
    ));
    return task.history.edges[0]!.node.cursor;
  };

  beforeAll(async () => {
    chief = await startTestChief({ SUBSCRIPTION_POLL_MS: '200' });
    live = await createWorkspaceFixture(chief, 'Hive');
    other = await createWorkspaceFixture(chief, 'Elsewhere');
    hive = await spawnService(tsxEntry('test/bench/gateways/hiveGateway.ts'), {
      NODE_ENV: 'production',
      SUPERGRAPH_PATH: 'schema/supergraph.graphql',
      ...Object.fromEntries(subgraphNames.map((name) => [subgraphVariables(name).url, chief.subgraphUrls[name]])),
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await hive?.stop();
    await chief?.stop();
  });

  it('delivers taskChanged with the fields of work, core and ops, replayed after a cursor and live', async () => {
    const watched = subscribeAsMember(live).watch<TaskChanged>(TASK_CHANGED, { after: await freshCursor(live) });
    const first = await createTask(live, 'Through Hive');
    await watched.until(1);
    // The subscription is running now, so this change can only arrive live.
    const second = await createTask(live, 'Live through Hive');
    const results = await watched.until(2);

    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(results.map((result) => result.data!.taskChanged)).toMatchObject([
      { action: 'CREATED', task: { id: first, title: 'Through Hive', assignee: { name: 'Hive member' } }, event: { type: 'work.task.created' } },
      { action: 'CREATED', task: { id: second, title: 'Live through Hive', assignee: { name: 'Hive member' } }, event: { type: 'work.task.created' } },
    ]);
    for (const { data } of results) expect(data!.taskChanged.event.cursor).toBe(data!.taskChanged.cursor);
    watched.stop();
  });

  it("gives each subscriber only their own workspace's changes, under the token each presented", async () => {
    const mine = subscribeAsMember(live).watch<TaskChanged>(TASK_CHANGED, { after: await freshCursor(live) });
    const theirs = subscribeAsMember(other).watch<TaskChanged>(TASK_CHANGED, { after: await freshCursor(other) });
    const mineId = await createTask(live, 'For Hive only');
    const theirId = await createTask(other, 'For Elsewhere only');
    // Each log is read in order, so a change of the other workspace would have come first.
    const [[forMe], [forThem]] = await Promise.all([mine.until(1), theirs.until(1)]);
    expect(forMe!.data!.taskChanged.task).toMatchObject({ id: mineId, assignee: { name: 'Hive member' } });
    expect(forThem!.data!.taskChanged.task).toMatchObject({ id: theirId, assignee: { name: 'Elsewhere member' } });
    mine.stop();
    theirs.stop();
  });
});
