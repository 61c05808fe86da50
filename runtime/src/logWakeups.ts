import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SqlClient } from '@chief/db';
import type { Logger } from './createLogger.ts';

/** The Postgres channel appendEvent notifies, with the workspace id, when its transaction commits. */
export const LOG_CHANNEL = 'chief_log';

/**
 * Wake-ups for log readers, per workspace. They only say "look again": a reader always reads what
 * to deliver from the log, so a wake-up that is lost or doubled costs a delay or a query, never
 * an event. A reader takes `mark` before it reads, and `wait` returns at once when a wake-up came
 * since, so one that lands between the read and the wait is not missed.
 */
export class LogWakeups {
  private readonly marks = new Map<string, number>();
  private readonly waiting = new Map<string, Set<() => void>>();

  mark(workspaceId: string): number {
    return this.marks.get(workspaceId) ?? 0;
  }

  notify(workspaceId: string): void {
    this.marks.set(workspaceId, this.mark(workspaceId) + 1);
    const waiting = this.waiting.get(workspaceId);
    if (!waiting) return;
    this.waiting.delete(workspaceId);
    for (const wake of waiting) wake();
  }

  /** Resolves on a wake-up for the workspace after `mark`, after `ms`, or when `signal` aborts. */
  wait(workspaceId: string, mark: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.mark(workspaceId) !== mark || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        const set = this.waiting.get(workspaceId);
        set?.delete(done);
        if (set?.size === 0) this.waiting.delete(workspaceId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      let set = this.waiting.get(workspaceId);
      if (!set) this.waiting.set(workspaceId, (set = new Set()));
      set.add(done);
    });
  }

  /** Readers waiting now, over all workspaces (tests check that nothing stays behind). */
  get size(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }
}

/**
 * The process's wake-ups: every RequestSession that committed events announces them, so readers in
 * the same process (all of Chief under `npm start`) wake at once.
 */
export const processLogWakeups = new LogWakeups();

/** Where this process's log writes are told to other processes (Redis pub/sub), besides its own readers. */
const relays = new Set<(workspaceId: string) => void>();

/** Events of the workspace committed in this process: its readers wake, and so do other processes' through the relays. */
export function announceLogWrite(workspaceId: string): void {
  processLogWakeups.notify(workspaceId);
  for (const relay of relays) relay(workspaceId);
}

/** The Redis channel log writes are announced on: `<process id> <workspace id>`. */
export const REDIS_LOG_CHANNEL = 'chief:log';

const redisRelays = new Map<string, { users: number; close(): void }>();

/**
 * Carries wake-ups between processes over Redis pub/sub (REDIS_URL): every write committed here is
 * published, and every one published elsewhere wakes this process's readers. One subscriber and
 * one publisher connection per process and URL, however many subgraphs it runs. Redis being down
 * loses wake-ups only, never events: readers poll the log. Returns how to let go of it.
 */
export function relayLogWritesThroughRedis(redisUrl: string, logger: Logger, wakeups = processLogWakeups): () => void {
  let relay = redisRelays.get(redisUrl);
  if (!relay) {
    const self = randomUUID();
    // No offline queue: a publish while Redis is away fails at once instead of piling up.
    const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    let warned = false;
    const warn = (error: unknown) => {
      if (!warned) logger.warn({ err: error }, 'Redis unreachable: log readers in other processes wake at their next poll');
      warned = true;
    };
    publisher.on('error', warn);
    subscriber.on('error', warn);
    subscriber.on('ready', () => (warned = false));
    subscriber.subscribe(REDIS_LOG_CHANNEL).catch(warn);
    subscriber.on('message', (_channel: string, message: string) => {
      const [from, workspaceId] = message.split(' ');
      if (from !== self && workspaceId) wakeups.notify(workspaceId);
    });
    const publish = (workspaceId: string) => void publisher.publish(REDIS_LOG_CHANNEL, `${self} ${workspaceId}`).catch(warn);
    relays.add(publish);
    relay = {
      users: 0,
      close() {
        relays.delete(publish);
        redisRelays.delete(redisUrl);
        publisher.disconnect();
        subscriber.disconnect();
      },
    };
    redisRelays.set(redisUrl, relay);
  }
  const held = relay;
  held.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held.users === 0) held.close();
  };
}

const listening = new WeakSet<SqlClient>();

/**
 * Feeds `wakeups` from Postgres NOTIFY on LOG_CHANNEL, which appendEvent raises inside the
 * writer's transaction (so it is delivered exactly when the events commit, to every process on the
 * database). Native Postgres only: the embedded server shares one session between connections.
 * Once per pool, on a connection of its own that postgres.js re-establishes after a drop (a
 * wake-up lost meanwhile only waits for the next poll).
 */
export async function listenForLogWrites(sql: SqlClient, wakeups = processLogWakeups): Promise<void> {
  if (listening.has(sql)) return;
  listening.add(sql);
  try {
    await sql.listen(LOG_CHANNEL, (workspaceId) => wakeups.notify(workspaceId));
  } catch (error) {
    listening.delete(sql);
    throw error;
  }
}
