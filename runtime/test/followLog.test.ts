import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { LogWakeups, appendEvent, decodeLogCursor, encodeLogCursor, followLog, processLogWakeups, runOperation, type Identity, type LogEvent } from '../src/index.ts';

// The services' own client, on the run's shared database, with a workspace of its own.
const sql = createSqlClient(inject('databaseUrl'), { max: 4, embedded: inject('databaseEmbedded') });
const userId = `follower-${process.pid}`;
let workspaceId: string;
let other: string;

beforeAll(async () => {
  for (const name of ['Follow', 'Unfollowed']) {
    const [ws] = await sql.unsafe(
      `insert into core.workspaces (name, slug, created_by_user_id) values ('${name}', '${name.toLowerCase()}-' || substr(md5(random()::text), 1, 8), '${userId}') returning id`,
    );
    await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${ws!.id}', '${userId}', 'owner', 'O')`);
    if (name === 'Follow') workspaceId = ws!.id;
    else other = ws!.id;
  }
});
afterAll(() => sql.end());

const person = (workspace = workspaceId): Identity => ({ kind: 'user', userId, workspaceId: workspace, scopes: ['read', 'write'] });

/** One committed transaction that appends a workspace.updated event named `name`. */
const append = (name: string, workspace = workspaceId) =>
  runOperation(sql, person(workspace), (request) => request.mutate((s) => appendEvent(s, { type: 'core.workspace.updated', entityId: workspace, payload: { name } })));

/** Follows the workspace log into `seen` until stopped. */
function follow(options: { after?: string | null; wakeups?: LogWakeups; pollMs?: number; types?: string[]; workspace?: string } = {}) {
  const controller = new AbortController();
  const seen: LogEvent[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const event of followLog({ sql, identity: person(options.workspace), after: options.after, types: options.types, retentionHours: 24, pollMs: options.pollMs ?? 100, signal: controller.signal, wakeups: options.wakeups })) seen.push(event);
    } catch (error) {
      failure = error;
    }
  })();
  const names = () => seen.map((e) => (e.payload as { name?: string }).name);
  return {
    seen,
    names,
    get failure() {
      return failure;
    },
    async until(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < count && !failure) {
        if (Date.now() > deadline) throw new Error(`timed out with ${JSON.stringify(names())}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return names();
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('followLog', () => {
  it('delivers what commits after it started, in log order, and nothing of another workspace', async () => {
    const follower = follow();
    await settle();
    await append('one');
    await append('elsewhere', other);
    await append('two');
    expect(await follower.until(2)).toEqual(['one', 'two']);
    await settle();
    expect(follower.names()).toEqual(['one', 'two']);
    await follower.stop();
  });

  it('resumes after a cursor with exactly what followed it', async () => {
    const first = follow();
    await settle();
    await append('before');
    await first.until(1);
    await first.stop();
    await append('missed');
    const resumed = follow({ after: first.seen[0]!.cursor });
    expect(await resumed.until(1)).toEqual(['missed']);
    await append('live');
    expect(await resumed.until(2)).toEqual(['missed', 'live']);
    await resumed.stop();
  });

  it('still delivers when every wake-up is lost, at the next poll', async () => {
    const deaf = new LogWakeups();
    const follower = follow({ wakeups: deaf, pollMs: 200 });
    await settle();
    await append('unannounced');
    expect(await follower.until(1)).toEqual(['unannounced']);
    await follower.stop();
    expect(deaf.size).toBe(0);
  });

  it('wakes at the commit, long before the next poll', async () => {
    const follower = follow({ pollMs: 60_000 });
    await settle();
    const started = Date.now();
    await append('prompt');
    expect(await follower.until(1, 5_000)).toEqual(['prompt']);
    expect(Date.now() - started).toBeLessThan(5_000);
    await follower.stop();
    expect(processLogWakeups.size).toBe(0);
  });

  it('refuses a cursor it did not give out, and one of another workspace, as CURSOR_UNKNOWN', async () => {
    const made = follow({ after: 'bm90LWEtY3Vyc29y' });
    await made.stop();
    expect(made.failure).toMatchObject({ extensions: { code: 'CURSOR_UNKNOWN', field: 'after' } });
    await append('theirs', other);
    const theirs = follow({ workspace: other });
    await settle();
    await append('theirs again', other);
    await theirs.until(1);
    await theirs.stop();
    const stolen = follow({ after: theirs.seen[0]!.cursor });
    await stolen.stop();
    expect(stolen.failure).toMatchObject({ extensions: { code: 'CURSOR_UNKNOWN' } });
  });

  it('refuses a cursor ahead of the database\'s transaction ids (a logical restore) as CURSOR_EXPIRED, never waiting in silence', async () => {
    // An event as a dump from an older, busier cluster carries it: a transaction id this database has not reached.
    const [row] = await sql.unsafe<{ seq: string }[]>(
      `insert into ops.events (workspace_id, type, entity_type, entity_id, actor_type, actor_id, payload, xid)
       values ($1, 'core.workspace.updated', 'workspace', $1, 'system', 'restore', '{"name":"restored"}', '999999999999'::xid8) returning seq::text as seq`,
      [workspaceId],
    );
    const resumed = follow({ after: encodeLogCursor({ xid: '999999999999', seq: row!.seq }) });
    await resumed.stop();
    expect(resumed.failure).toMatchObject({ extensions: { code: 'CURSOR_EXPIRED', field: 'after' }, message: expect.stringMatching(/restored/) });
  });

  it('encodes one canonical cursor per position', () => {
    const cursor = encodeLogCursor({ xid: '123', seq: '45' });
    expect(decodeLogCursor(cursor)).toEqual({ xid: '123', seq: '45' });
    for (const bad of ['', 'x', encodeLogCursor({ xid: '0123', seq: '45' }), Buffer.from('log1:1:2:3').toString('base64url'), Buffer.from('log1:-1:2').toString('base64url')]) expect(decodeLogCursor(bad)).toBeNull();
  });

  // The embedded server runs one transaction at a time: two cannot overlap there.
  it.skipIf(inject('databaseEmbedded'))('never passes an event whose transaction commits after a younger one (out-of-order commits)', async () => {
    const follower = follow();
    await settle();
    let releaseFirst: () => void = () => {};
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let appended: () => void = () => {};
    const firstAppended = new Promise<void>((resolve) => (appended = resolve));
    // The first transaction starts and appends first (the lower sequence number), and commits last.
    const first = runOperation(sql, person(), async (request) => {
      await request.mutate((s) => appendEvent(s, { type: 'core.workspace.updated', entityId: workspaceId, payload: { name: 'first to start' } }));
      appended();
      await firstMayCommit;
    });
    await firstAppended;
    await append('second to start, first to commit');
    await settle();
    // A reader going by sequence numbers would have delivered the second and moved past the first.
    expect(follower.names()).toEqual([]);
    releaseFirst();
    await first;
    expect(await follower.until(2)).toEqual(['first to start', 'second to start, first to commit']);
    await settle();
    expect(follower.names()).toHaveLength(2);
    const [a, b] = follower.seen;
    expect(BigInt(a!.seq)).toBeLessThan(BigInt(b!.seq));
    await follower.stop();
  });
});
