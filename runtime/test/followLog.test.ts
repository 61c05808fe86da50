import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { LogTails, LogWakeups, appendEvent, decodeLogCursor, encodeLogCursor, followLog, processLogTails, processLogWakeups, runOperation, type Identity, type LogEvent } from '../src/index.ts';

// The services' own client, on the run's shared database, with a workspace of its own; it counts
// the reads of the log it sends.
let logReads = 0;
const sql = createSqlClient(inject('databaseUrl'), {
  max: 4,
  embedded: inject('databaseEmbedded'),
  onStatement: (query) => void (/from ops\.events/.test(query) && logReads++),
});
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
function follow(options: { after?: string | null; wakeups?: LogWakeups; tails?: LogTails; pollMs?: number; types?: string[]; workspace?: string } = {}) {
  const controller = new AbortController();
  const seen: LogEvent[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const event of followLog({ sql, identity: person(options.workspace), after: options.after, types: options.types, retentionHours: 24, pollMs: options.pollMs ?? 100, signal: controller.signal, wakeups: options.wakeups, tails: options.tails })) seen.push(event);
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
    expect([processLogWakeups.size, processLogTails.size]).toEqual([0, 0]);
  });

  it('reads the log once per wake-up and poll for all followers of a workspace, not once per follower', async () => {
    const followers = Array.from({ length: 20 }, (_, i) => follow({ pollMs: 100, types: i % 2 ? ['core.workspace.updated'] : undefined }));
    await settle();
    expect(processLogTails.size).toBe(1);
    logReads = 0;
    await settle();
    // 400 ms idle at a 100 ms poll: about 4 reads by the tail, where a reader per follower made 80.
    expect(logReads).toBeLessThanOrEqual(8);
    logReads = 0;
    await append('shared');
    for (const follower of followers) expect(await follower.until(1)).toEqual(['shared']);
    expect(logReads).toBeLessThanOrEqual(3);
    await Promise.all(followers.map((f) => f.stop()));
    expect([processLogTails.size, processLogWakeups.size]).toEqual([0, 0]);
  });

  it('hands a follower that resumes behind the tail over to it with no gap or repeat, also when the gap holds none of its types', async () => {
    const live = follow();
    await settle();
    await append('a');
    await live.until(1);
    const cursor = live.seen[0]!.cursor;
    await append('b');
    await runOperation(sql, person(), (request) => request.mutate((s) => appendEvent(s, { type: 'core.workspace.created', entityId: workspaceId, payload: { name: 'other type', slug: 'other-type' } })));
    await live.until(3);
    // Both resume from `a` while the tail stands two events further on.
    const everything = follow({ after: cursor });
    const filtered = follow({ after: cursor, types: ['core.workspace.created'] });
    expect(await everything.until(2)).toEqual(['b', 'other type']);
    expect(await filtered.until(1)).toEqual(['other type']);
    await append('c');
    expect(await everything.until(3)).toEqual(['b', 'other type', 'c']);
    await settle();
    expect([everything.names(), filtered.names(), processLogTails.size]).toEqual([['b', 'other type', 'c'], ['other type'], 1]);
    await Promise.all([live, everything, filtered].map((f) => f.stop()));
  });

  it('lets a follower that does not keep up fall behind the tail and catch up on its own, losing and repeating nothing', async () => {
    const tails = new LogTails(3);
    const controller = new AbortController();
    const iterator = followLog({ sql, identity: person(), retentionHours: 24, pollMs: 100, signal: controller.signal, tails })[Symbol.asyncIterator]();
    const first = iterator.next(); // starts the follow; it waits on the tail
    const keeping = follow({ tails });
    await settle();
    const names = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'];
    for (const name of names) await append(name);
    await keeping.until(names.length);
    const seen: LogEvent[] = [(await first).value as LogEvent];
    while (seen.length < names.length) seen.push((await iterator.next()).value as LogEvent);
    expect(seen.map((e) => (e.payload as { name: string }).name)).toEqual(names);
    controller.abort();
    await iterator.return?.(undefined);
    await keeping.stop();
    expect(tails.size).toBe(0);
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

  // A transaction in another workspace holds the delivery gate: its commit wakes no reader of this one.
  it.skipIf(inject('databaseEmbedded'))('reads again soon when an open transaction elsewhere held events back, not at the next poll', async () => {
    const follower = follow({ pollMs: 60_000 });
    await settle();
    let release: () => void = () => {};
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    let appended: () => void = () => {};
    const holding = new Promise<void>((resolve) => (appended = resolve));
    const elsewhere = runOperation(sql, person(other), async (request) => {
      await request.mutate((s) => appendEvent(s, { type: 'core.workspace.updated', entityId: other, payload: { name: 'elsewhere' } }));
      appended();
      await mayCommit;
    });
    await holding;
    await append('held back');
    await settle();
    expect(follower.names()).toEqual([]);
    const released = Date.now();
    release();
    await elsewhere;
    expect(await follower.until(1, 5_000)).toEqual(['held back']);
    expect(Date.now() - released).toBeLessThan(5_000);
    await follower.stop();
  });
});
