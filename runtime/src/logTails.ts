import type { SqlClient } from '@chief/db';
import type { Identity } from './identity.ts';
import { runOperation } from './createRequestSession.ts';
import { LOG_COLUMNS, compareLogPositions, encodeLogCursor, type LogEvent, type LogPosition } from './logCursor.ts';
import type { LogWakeups } from './logWakeups.ts';
import { eventCatalog, isEventType } from './eventCatalog.ts';

/**
 * One batch past `position` below the delivery gate, and whether committed events wait behind it
 * (`held`: an older transaction still runs), in one statement. The left join gives one row of
 * nulls when the batch is empty, so `held` always comes back.
 */
const TAIL_READ = `select e.*, exists (select 1 from ops.events h where h.workspace_id = $1::uuid and (h.xid, h.seq) > ($2::xid8, $3::bigint) and h.xid >= g.xmin) as held
  from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin) g
  left join lateral (
    select ${LOG_COLUMNS} from ops.events
     where workspace_id = $1::uuid and (xid, seq) > ($2::xid8, $3::bigint) and xid < g.xmin
     order by xid, seq limit $4::int
  ) e on true`;

/** In a listener's queue: an event it does not follow changed who may read the log; check the follower's access again. */
export const RECHECK_ACCESS = Symbol('recheck access');

// Events that can end a caller's access to the workspace (a membership or a key changed).
const isAccessEvent = (type: string) => {
  const entity = isEventType(type) ? eventCatalog[type].entity : null;
  return entity === 'member' || entity === 'api_key';
};

/** A follower attached to a tail: the events it has yet to take, in log order. */
export class TailListener {
  readonly queue: (LogEvent | typeof RECHECK_ACCESS)[] = [];
  /** The tail let go of it: it overflowed (catch up from the last event taken) or the tail failed (`failure`). */
  detached = false;
  failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    /** Events at or before this position were delivered another way: skipped. */
    readonly after: LogPosition,
    readonly types: ReadonlySet<string> | null,
  ) {}

  offer(event: LogEvent): void {
    if (compareLogPositions(event, this.after) <= 0) return;
    if (!this.types || this.types.has(event.type)) this.queue.push(event);
    else if (isAccessEvent(event.type) && this.queue.at(-1) !== RECHECK_ACCESS) this.queue.push(RECHECK_ACCESS);
    else return;
    this.notify();
  }

  end(failure?: unknown): void {
    this.detached = true;
    this.failure ??= failure;
    this.notify();
  }

  /** Resolves when an event, the end or the abort comes. */
  waitForMore(signal: AbortSignal): Promise<void> {
    if (this.queue.length || this.detached || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    this.wake?.();
  }
}

export interface TailOptions {
  sql: SqlClient;
  workspaceId: string;
  /** Where a follower that is caught up stands: the tail starts there when it is the first. */
  position: LogPosition;
  types: readonly string[] | null;
  pollMs: number;
  wakeups: LogWakeups;
  batchSize: number;
}

/**
 * The workspace's log as one reader in this process reads it for every caught-up follower, so
 * the database answers one read per workspace and wake-up (and one idle poll per workspace),
 * not one per subscription. It reads as the workspace's service: what a subscriber may see is
 * checked for each event it delivers, under the subscriber's own identity (see followLog).
 *
 * When committed events wait behind an older transaction still running (the delivery gate held
 * them back), it reads again after a short backoff instead of the next poll: the transaction
 * that holds them may be in another workspace, whose commit wakes no reader of this one.
 */
class LogTail {
  readonly listeners = new Set<TailListener>();
  private readonly controller = new AbortController();
  private position: LogPosition;

  constructor(
    private readonly options: TailOptions,
    private readonly maxQueued: number,
    private readonly onStop: (tail: LogTail) => void,
  ) {
    this.position = options.position;
  }

  /** Where the tail has read up to: a follower at or past it may attach. */
  get at(): LogPosition {
    return this.position;
  }

  start(): void {
    this.run().catch((error: unknown) => this.stop(error));
  }

  detach(listener: TailListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stop();
  }

  stop(failure?: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.onStop(this);
    for (const listener of this.listeners) listener.end(failure);
    this.listeners.clear();
  }

  private async run(): Promise<void> {
    const { sql, workspaceId, pollMs, wakeups, batchSize } = this.options;
    const { signal } = this.controller;
    const service: Identity = { kind: 'service', userId: null, workspaceId, scopes: ['read'] };
    let backoffMs = 0;
    while (!signal.aborted) {
      const mark = wakeups.mark(workspaceId);
      const rows = await runOperation(sql, service, (request) => {
        request.readOnly = true;
        return request.run(({ sql: tx }) =>
          tx.unsafe<(Omit<LogEvent, 'cursor' | 'id'> & { id: string | null; held: boolean })[]>(TAIL_READ, [workspaceId, this.position.xid, this.position.seq, batchSize]),
        );
      });
      if (signal.aborted) return;
      const held = rows[0]?.held ?? false;
      let read = 0;
      for (const { held: _, ...row } of rows) {
        if (row.id === null) continue;
        read++;
        this.position = { xid: row.xid, seq: row.seq };
        const event: LogEvent = { ...(row as Omit<LogEvent, 'cursor'>), cursor: encodeLogCursor(this.position) };
        for (const listener of this.listeners) {
          listener.offer(event);
          // A follower this far behind reads on its own from where it stands; memory stays bounded.
          if (listener.queue.length > this.maxQueued) {
            this.listeners.delete(listener);
            listener.end();
          }
        }
      }
      if (this.listeners.size === 0) return this.stop();
      if (read === batchSize) continue;
      backoffMs = held ? Math.min(backoffMs ? backoffMs * 2 : 5, pollMs) : 0;
      await wakeups.wait(workspaceId, mark, held ? backoffMs : pollMs, signal);
    }
  }
}

/** The tails of this process, per database client and workspace. */
export class LogTails {
  private readonly tails = new Map<SqlClient, Map<string, LogTail>>();

  constructor(private readonly maxQueued = 1_000) {}

  /**
   * Attaches a follower that has delivered everything up to `options.position` to its
   * workspace's tail, starting the tail there if there is none. When the tail has read past that
   * position, `ahead` is where it stands: the follower reads up to there on its own first.
   */
  join(options: TailOptions): { listener: TailListener; leave(): void } | { ahead: LogPosition } {
    let bySql = this.tails.get(options.sql);
    let tail = bySql?.get(options.workspaceId);
    if (tail && compareLogPositions(tail.at, options.position) > 0) return { ahead: tail.at };
    if (!tail) {
      if (!bySql) this.tails.set(options.sql, (bySql = new Map()));
      const started = new LogTail(options, this.maxQueued, (stopped) => {
        const byWorkspace = this.tails.get(options.sql);
        if (byWorkspace?.get(options.workspaceId) !== stopped) return;
        byWorkspace.delete(options.workspaceId);
        if (byWorkspace.size === 0) this.tails.delete(options.sql);
      });
      bySql.set(options.workspaceId, started);
      tail = started;
      started.start();
    }
    const listener = new TailListener(options.position, options.types ? new Set(options.types) : null);
    tail.listeners.add(listener);
    const joined = tail;
    return { listener, leave: () => joined.detach(listener) };
  }

  /** Tails reading now (tests check that nothing stays behind). */
  get size(): number {
    let n = 0;
    for (const byWorkspace of this.tails.values()) n += byWorkspace.size;
    return n;
  }
}

export const processLogTails = new LogTails();
