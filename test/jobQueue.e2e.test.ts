import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createSqlClient, type SqlClient } from '@chief/db';
import { createLogger, startJobQueue, type JobKind, type JobQueue } from '@chief/runtime';
import { spawnService, tsxEntry } from './support/spawnService.ts';
import { until } from './support/until.ts';

const embedded = inject('databaseEmbedded');
const url = inject('databaseUrl');
const pools: SqlClient[] = [];
const queues: JobQueue[] = [];
afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop(1000)));
  await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
});

/** A queue of its own pool, as each process has: `work` false only sends. */
async function queue(kinds: JobKind<any>[], work = true) {
  const sql = createSqlClient(url, { embedded, max: 3 });
  pools.push(sql);
  const started = await startJobQueue({ sql, embedded, logger: createLogger('jobs', 'silent'), kinds, work, superviseSeconds: 1, pollSeconds: 0.5 });
  queues.push(started);
  return started;
}

const data = z.object({ n: z.number().int() });
const kindName = (what: string) => `test.${what}.${randomUUID().slice(0, 8)}`;

describe('the job queue (pg-boss on our own pool)', () => {
  it('retries a failing job with growing delays, then completes it once', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const kind: JobKind<{ n: number }> = {
      name: kindName('retry'), data, retryLimit: 3, retryDelaySeconds: 1,
      async handle(_job, run) {
        attempts.push({ attempt: run.attempt, at: Date.now() });
        if (run.attempt < 3) throw new Error(`attempt ${run.attempt} failed`);
      },
    };
    const jobs = await queue([kind]);
    const id = (await jobs.send(kind, { n: 1 }))!;
    await until(async () => (await jobs.job(kind, id))?.state === 'completed');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Backoff: about retryDelay × 2^(n-1), with jitter: at least 1 s, then at least 2 s.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1900);
    // ...and no longer: the failure itself was recorded (not found later, once the heartbeat lapsed).
    expect(attempts[1]!.at - attempts[0]!.at).toBeLessThan(5000);
    expect(attempts[2]!.at - attempts[1]!.at).toBeLessThan(8000);
    expect(await jobs.job(kind, id)).toMatchObject({ state: 'completed', attempts: 3, data: { n: 1 }, error: null });
  });

  it('keeps a job that ran out of attempts as failed with its error, in the dead letters', async () => {
    const kind: JobKind<{ n: number }> = {
      name: kindName('dead'), data, retryLimit: 1, retryDelaySeconds: 1,
      async handle(job) {
        throw new Error(`embedding ${job.n} refused: 400 bad input`);
      },
    };
    const jobs = await queue([kind]);
    const id = (await jobs.send(kind, { n: 7 }))!;
    await until(async () => (await jobs.job(kind, id))?.state === 'failed');
    expect(await jobs.job(kind, id)).toMatchObject({ state: 'failed', attempts: 2, error: 'embedding 7 refused: 400 bad input' });
    expect((await jobs.deadLetters(kind)).map((j) => j.id)).toEqual([id]);
    // What a job carries is checked when it is sent.
    expect(() => jobs.send(kind, { n: 'seven' } as never)).toThrow();
  });

  it('runs every job exactly once across two workers with pools of their own, never one job twice at once', async () => {
    const running = new Set<number>();
    const runs: number[] = [];
    let overlap = false;
    const kind: JobKind<{ n: number }> = {
      name: kindName('once'), data, concurrency: 3,
      async handle(job) {
        if (running.has(job.n)) overlap = true;
        running.add(job.n);
        runs.push(job.n);
        await new Promise((resolve) => setTimeout(resolve, 50));
        running.delete(job.n);
      },
    };
    const [a] = [await queue([kind]), await queue([kind])];
    const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => a.send(kind, { n })));
    await until(async () => (await Promise.all(ids.map((id) => a.job(kind, id!)))).every((j) => j?.state === 'completed'));
    expect(runs.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(overlap).toBe(false);
  });

  it('queues one job per key while one waits', async () => {
    const kind: JobKind<{ n: number }> = { name: kindName('key'), data, byKey: true, async handle() {} };
    const sender = await queue([kind], false);
    const first = await sender.send(kind, { n: 1 }, { key: 'contact:1' });
    expect(first).toBeTruthy();
    expect(await sender.send(kind, { n: 2 }, { key: 'contact:1' })).toBeNull();
    expect(await sender.send(kind, { n: 3 }, { key: 'contact:2' })).toBeTruthy();
    expect(() => sender.send(kind, { n: 4 })).toThrow(/name a key/);
  });

  it('finishes a job whose worker was killed mid-run, once, on another worker', async () => {
    const name = kindName('killed');
    const done: string[] = [];
    const kind: JobKind<{ n: number }> = { name, data, heartbeatSeconds: 10, async handle(_job, run) { done.push(`${run.id}:${run.attempt}`); } };
    const sender = await queue([kind], false);
    const id = (await sender.send(kind, { n: 1 }))!;
    const spawned = await spawnService(tsxEntry('test/support/jobWorker.ts'), { DATABASE_URL: url, DATABASE_EMBEDDED: String(embedded), JOB_KIND: name }, { timeoutMs: 60_000 });
    expect(spawned.url).toBe(`job:${id}:1`);
    process.kill(-spawned.process.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await queue([kind]);
    await until(async () => (await sender.job(kind, id))?.state === 'completed', { timeoutMs: 60_000 });
    expect(done).toEqual([`${id}:2`]);
    // Retried once its heartbeat lapsed (10 s), not before.
    expect(Date.now() - killedAt).toBeGreaterThan(5_000);
  }, 120_000);

  it('stops gracefully: a job still running when the time is up is retried by the next worker', async () => {
    let release!: () => void;
    const first: JobKind<{ n: number }> = {
      name: kindName('stop'), data, retryDelaySeconds: 1,
      async handle(_job, run) {
        await new Promise<void>((resolve) => {
          release = resolve;
          run.signal.addEventListener('abort', () => resolve());
        });
        throw new Error('stopped before it was done');
      },
    };
    const jobs = await queue([first]);
    const id = (await jobs.send(first, { n: 1 }))!;
    await until(async () => (await jobs.job(first, id))?.state === 'active');
    await jobs.stop(500);
    expect((await jobs.job(first, id))?.state).toBe('retry');
    const attempts: number[] = [];
    await queue([{ ...first, async handle(_job, run) { attempts.push(run.attempt); } }]);
    await until(async () => (await jobs.job(first, id))?.state === 'completed');
    expect(attempts).toEqual([2]);
    release?.();
  });
});
