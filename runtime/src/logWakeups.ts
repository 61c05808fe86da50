import type { SqlClient } from '@chief/db';

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
 * The process's wake-ups: every RequestSession that committed events notifies them, so readers in
 * the same process (all of Chief under `npm start`) wake at once.
 */
export const processLogWakeups = new LogWakeups();

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
