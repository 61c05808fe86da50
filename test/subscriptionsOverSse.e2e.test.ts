import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createSseClient, type ExecutionResult } from 'graphql-sse';
import { expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { latestLogCursor, openEventStream } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const TASK_CHANGED = `subscription Watch($after: String) {
  taskChanged(after: $after) {
    cursor action
    task { id title assignee { name } founder { email } }
  }
}`;

interface TaskChanged {
  taskChanged: { cursor: string; action: string; task: { id: string; title: string; assignee: { name: string } | null; founder: { email: string } | null } | null };
}

/**
 * GraphQL over Server-Sent Events at the gateway's /graphql (graphql-sse's distinct connections
 * mode): graphql-sse's own client, and a raw stream read as EventSource reads it, with its ids
 * and a reconnect carrying Last-Event-ID.
 */
describe('subscriptions at the gateway (GraphQL over SSE)', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  const createTask = async (title: string) =>
    expectData(await chief.request<Ids<'createTask'>>(
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
      { input: { title, founderId: ws.founderId, assigneeId: ws.users.member.memberId } },
      { token: ws.users.owner.token },
    )).createTask.id;
  const auth = () => ({ authorization: `Bearer ${ws.users.member.token}` });

  beforeAll(async () => {
    chief = await startTestChief({ SUBSCRIPTION_POLL_MS: '200' });
    ws = await createWorkspaceFixture(chief, 'Streamed');
  });
  afterAll(async () => {
    await chief?.stop();
  });

  it('streams each change with the whole selection to graphql-sse\'s own client', async () => {
    const client = createSseClient({ url: chief.gatewayUrl, headers: auth, retryAttempts: 0 });
    const received: ExecutionResult<TaskChanged, unknown>[] = [];
    let arrived: () => void = () => {};
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const stop = client.subscribe<TaskChanged>({ query: TASK_CHANGED, variables: { after: await latestLogCursor(chief, ws.users.member.token) } }, {
      next: (result) => (received.push(result), arrived()),
      error: () => {},
      complete: () => {},
    });
    const id = await createTask('Streamed to a phone');
    await first;
    stop();
    client.dispose();
    expect(received[0]!.errors).toBeUndefined();
    expect(received[0]!.data!.taskChanged).toMatchObject({ action: 'CREATED', task: { id, title: 'Streamed to a phone', assignee: { name: 'Streamed member' }, founder: { email: 'founder@streamed.test' } } });
  });

  it('gives each event its cursor as the SSE id and resumes after Last-Event-ID with nothing lost or repeated', async () => {
    const start = await latestLogCursor(chief, ws.users.member.token);
    // No `after` in the body: the stream starts from now, and Last-Event-ID alone says where to resume.
    const body = { query: TASK_CHANGED };
    const first = openEventStream(chief.gatewayUrl, { query: TASK_CHANGED, variables: { after: start } }, auth());
    expect((await first.response).headers.get('content-type')).toMatch(/^text\/event-stream/);
    await createTask('Before the drop');
    const [seen] = await first.until(1);
    const result = JSON.parse(seen!.data) as { data: TaskChanged; extensions: { cursor: string } };
    expect(seen!.id).toBe(result.data.taskChanged.cursor);
    expect(result.extensions.cursor).toBe(seen!.id);
    first.close();

    const missed = [await createTask('Missed one'), await createTask('Missed two')];
    const again = openEventStream(chief.gatewayUrl, body, { ...auth(), 'last-event-id': seen!.id! });
    const live = await (async () => {
      await again.until(2);
      return createTask('Live after the resume');
    })();
    const events = await again.until(3);
    again.close();
    const tasks = events.map((e) => (JSON.parse(e.data) as { data: TaskChanged }).data.taskChanged.task!.id);
    expect(tasks).toEqual([...missed, live]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('answers refused credentials with their HTTP status, and streams the operation\'s own errors', async () => {
    const anonymous = await fetch(chief.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: TASK_CHANGED }) });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');

    const invalid = openEventStream(chief.gatewayUrl, { query: 'subscription { taskChanged { nope } }' }, auth());
    const [error, complete] = await invalid.ended;
    expect((await invalid.response).status).toBe(200);
    expect(JSON.parse(error!.data).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(complete!.event).toBe('complete');

    // A Last-Event-ID that is no cursor of this log ends the stream with the unknown-cursor error, for good.
    const unknown = openEventStream(chief.gatewayUrl, { query: TASK_CHANGED }, { ...auth(), 'last-event-id': 'not-a-cursor' });
    const [refused, end] = await unknown.ended;
    expect(JSON.parse(refused!.data).errors[0].extensions).toMatchObject({ code: 'CURSOR_UNKNOWN', closeCode: 4442 });
    expect(end!.event).toBe('complete');
  });

  it('answers a query over the stream once, then completes', async () => {
    const query = openEventStream(chief.gatewayUrl, { query: '{ viewer { userId } }' }, auth());
    const [answer, complete] = await query.ended;
    expect(JSON.parse(answer!.data).data.viewer.userId).toBe(ws.users.member.userId);
    expect(complete!.event).toBe('complete');
  });
});
