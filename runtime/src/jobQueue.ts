import { PgBoss, type Job, type JobWithMetadata } from 'pg-boss';
import type { z } from 'zod';
import type { SqlClient } from '@chief/db';
import { bossDatabase } from './bossDatabase.ts';
import { serializeError, type Logger } from './createLogger.ts';

/** One attempt at a job, as its handler sees it. */
export interface JobRun {
  id: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** Aborted when the queue stops before the handler is done, or the job's claim is lost. */
  signal: AbortSignal;
}

/** A kind of background work: its queue, what a job carries, how it is retried, and its handler. */
export interface JobKind<T> {
  /** The queue's name: lowercase letters, digits, dots and dashes. */
  name: string;
  /** What a job carries, checked when it is sent and again when it is worked. */
  data: z.ZodType<T>;
  /** Attempts after the first before the job is dead (3 unless given). */
  retryLimit?: number;
  /** Seconds before the first retry; each later one waits about twice as long, with jitter (2 unless given). */
  retryDelaySeconds?: number;
  /** The longest wait between retries (300 unless given). */
  retryDelayMaxSeconds?: number;
  /**
   * A running job's worker confirms it is alive every half of this; a job not confirmed for this
   * long (its process died) is retried (30 unless given, at least 10).
   */
  heartbeatSeconds?: number;
  /** The longest a run may take, alive or not, before it is failed and retried (900 unless given). */
  expireInSeconds?: number;
  /** Jobs of this kind one process runs at once (2 unless given). */
  concurrency?: number;
  /**
   * Every job names a key (e.g. the row it is about): of one key, at most one job waits and one
   * runs, so a burst of changes to a row is one job, and one more if it changed while running
   * (pg-boss's stately policy).
   */
  byKey?: boolean;
  handle(data: T, run: JobRun): Promise<void>;
}

/** A job as the queue holds it. */
export interface JobState {
  id: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  attempts: number;
  data: unknown;
  /** The last failure's message, for a job that failed. */
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface JobQueue {
  /** Queues a job; for a kind `byKey`, its key is required, and a job already waiting for it is not queued twice (null). */
  send<T>(kind: JobKind<T>, data: T, options?: { key?: string; startAfterSeconds?: number }): Promise<string | null>;
  job(kind: JobKind<unknown>, id: string): Promise<JobState | null>;
  /**
   * The keys of a `byKey` kind with a job running or waiting for its retry. A sender that queues
   * work it finds (a sweep) leaves them alone: a new job beside a retrying one would run at once,
   * with no backoff against whatever made the first fail.
   */
  busyKeys(kind: JobKind<unknown>): Promise<Set<string>>;
  /** The jobs of a kind that ran out of attempts, with their last error, newest first. */
  deadLetters(kind: JobKind<unknown>): Promise<JobState[]>;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones; unfinished ones are retried later. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface JobQueueOptions {
  sql: SqlClient;
  /** The database is the embedded PGlite (one backend behind a socket). */
  embedded: boolean;
  logger: Logger;
  kinds: readonly JobKind<any>[];
  /** Whether this process works the kinds' jobs, or only sends them. */
  work: boolean;
  /** How often lost and expired jobs are looked for, in seconds (10 unless given). */
  superviseSeconds?: number;
  /** How often an idle worker looks for jobs, in seconds (1 unless given). */
  pollSeconds?: number;
}

export const JOB_SCHEMA = 'pgboss';
const deadQueue = (name: string) => `${name}.dead`;

const errorMessage = (output: unknown): string | null => {
  // pg-boss's job reads return the output column as JSON text on our client.
  if (typeof output === 'string') {
    try {
      output = JSON.parse(output);
    } catch {
      return output as string;
    }
  }
  if (!output || typeof output !== 'object') return null;
  const message = (output as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(output);
};

const stateOf = (job: JobWithMetadata<unknown>): JobState => ({
  id: job.id,
  state: job.state,
  attempts: job.retryCount + (job.state === 'created' ? 0 : 1),
  data: job.data,
  error: job.state === 'failed' || job.state === 'retry' ? errorMessage(job.output) : null,
  createdAt: job.createdOn,
  completedAt: job.completedOn,
});

/**
 * Chief's background work on pg-boss, a Postgres job queue: jobs live in the database (schema
 * `pgboss`), so they survive restarts; a job is claimed by one worker at a time (SKIP LOCKED);
 * a failed one is retried with exponential backoff and, out of attempts, kept failed with its
 * error and copied to the kind's dead-letter queue (`<name>.dead`); a job whose worker died is
 * retried once its heartbeat lapses. pg-boss runs over our own postgres.js pool (bossDatabase).
 */
export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { sql, embedded, logger, kinds, superviseSeconds = 10, pollSeconds = 1 } = options;
  const boss = new PgBoss({
    db: bossDatabase(sql, { embedded }),
    schema: JOB_SCHEMA,
    ...(embedded ? { backend: 'pglite' as const } : {}),
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
    // Jobs of a kind are sent only by Chief, so no cron, and no per-queue statistics are kept.
    schedule: false,
  });
  boss.on('error', (error) => logger.error({ err: serializeError(error) }, 'job queue error'));
  boss.on('warning', (warning) => logger.warn({ warning }, 'job queue warning'));
  await boss.start();
  for (const kind of kinds) {
    await boss.createQueue(deadQueue(kind.name), { retentionSeconds: 30 * 86_400 });
    const queue = {
      retryLimit: kind.retryLimit ?? 3,
      retryDelay: kind.retryDelaySeconds ?? 2,
      retryBackoff: true,
      retryDelayMax: kind.retryDelayMaxSeconds ?? 300,
      heartbeatSeconds: Math.max(10, kind.heartbeatSeconds ?? 30),
      expireInSeconds: kind.expireInSeconds ?? 900,
      deadLetter: deadQueue(kind.name),
    };
    // A kind's settings are the code's: a queue made by an earlier version takes the new ones
    // (all but its policy, which pg-boss fixes when the queue is made).
    if (await boss.getQueue(kind.name)) await boss.updateQueue(kind.name, queue);
    else await boss.createQueue(kind.name, { ...queue, policy: kind.byKey ? 'stately' : 'standard' });
  }
  if (options.work) {
    for (const kind of kinds) {
      await boss.work<unknown>(kind.name, { pollingIntervalSeconds: pollSeconds, localConcurrency: kind.concurrency ?? 2 }, async ([job]: Job<unknown>[]) => {
        const run = { id: job!.id, attempt: job!.retryCount + 1, signal: job!.signal };
        const log = logger.child({ job: kind.name, jobId: run.id, attempt: run.attempt });
        const started = performance.now();
        try {
          await kind.handle(kind.data.parse(job!.data), run);
          log.info({ ms: Math.round(performance.now() - started) }, 'job done');
        } catch (error) {
          log.warn({ err: serializeError(error), ms: Math.round(performance.now() - started) }, 'job failed');
          throw error;
        }
      });
    }
  }
  return {
    send(kind, data, sendOptions = {}) {
      if (kind.byKey && !sendOptions.key) throw new Error(`${kind.name} jobs name a key`);
      return boss.send(kind.name, kind.data.parse(data) as object, {
        ...(sendOptions.key ? { singletonKey: sendOptions.key } : {}),
        ...(sendOptions.startAfterSeconds ? { startAfter: sendOptions.startAfterSeconds } : {}),
      });
    },
    async job(kind, id) {
      const [job] = await boss.findJobs<unknown>(kind.name, { id });
      return job ? stateOf(job) : null;
    },
    async busyKeys(kind) {
      const queue = await boss.getQueue(kind.name);
      if (!queue) return new Set();
      // pg-boss has no call for this; its job table (a queue's own, or the shared one) is read as its plans do.
      const { rows } = await boss.getDb().executeSql(
        `SELECT DISTINCT singleton_key AS key FROM ${JOB_SCHEMA}.${queue.table} WHERE name = $1 AND state IN ('retry', 'active') AND singleton_key IS NOT NULL`,
        [kind.name],
      );
      return new Set((rows as { key: string }[]).map((r) => r.key));
    },
    async deadLetters(kind) {
      const jobs = await boss.findJobs<unknown>(kind.name, { queued: false });
      return jobs.filter((j) => j.state === 'failed').map(stateOf).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },
    stop: (timeoutMs = 10_000) => boss.stop({ graceful: true, timeout: timeoutMs }),
  };
}
