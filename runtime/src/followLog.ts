import type { SqlClient } from '@chief/db';
import { ErrorCode, chiefError } from './errors.ts';
import type { Identity } from './identity.ts';
import { runOperation, type RequestSession } from './createRequestSession.ts';
import { LOG_COLUMNS, decodeLogCursor, encodeLogCursor, type LogEvent, type LogPosition } from './logCursor.ts';

export type { LogEvent } from './logCursor.ts';
import { processLogWakeups, type LogWakeups } from './logWakeups.ts';
import { RECHECK_ACCESS, processLogTails, type LogTails, type TailListener } from './logTails.ts';

export interface FollowLogOptions {
  sql: SqlClient;
  /** Whose log, under whose row-level security: checked again at every read. */
  identity: Identity;
  /** The cursor to resume after; none: from now. */
  after?: string | null;
  /** Only events of these types (all when absent). */
  types?: readonly string[] | null;
  /** How far back a cursor may resume, in hours. */
  retentionHours: number;
  /** Longest wait between reads when no wake-up comes, in milliseconds. */
  pollMs: number;
  /** Ends the follow: the generator returns. */
  signal: AbortSignal;
  wakeups?: LogWakeups;
  tails?: LogTails;
  /**
   * Checks, before each event the workspace's tail hands over, that the caller may still read the
   * log (throws as the caller's session would: UNAUTHENTICATED, FORBIDDEN). By default a
   * read-only transaction of its own; a subscription passes the one it answers the event in.
   */
  authorize?: (event: LogEvent) => Promise<void>;
  batchSize?: number;
}

/**
 * Follows the caller's workspace log: the events after `after` (or from now), in log order, then
 * new ones as they commit, until `signal` aborts. A follower reads what it is behind on its own,
 * under the caller's identity, then takes its events from the workspace's tail (one reader for
 * all followers of the workspace in this process, see LogTails); every event the tail hands over
 * is authorized under the caller's identity first, and so is each change of a membership or a key
 * in the workspace. So a removed membership or a revoked key ends the follow at once
 * (UNAUTHENTICATED or FORBIDDEN is thrown), as a bad or expired
 * cursor does at the start (CURSOR_UNKNOWN, CURSOR_EXPIRED).
 *
 * Sequence numbers are given at insert but transactions commit out of order, so a reader that
 * went by `seq` alone could pass an event whose transaction commits later. The follower reads
 * only events of transactions older than the oldest one still running (`xid <
 * pg_snapshot_xmin(pg_current_snapshot())`), all of which have ended, in (xid, seq) order: nothing
 * can appear behind its position. The cost: a transaction left open anywhere on the server holds
 * delivery back until it ends.
 */
export async function* followLog(options: FollowLogOptions): AsyncGenerator<LogEvent, void, undefined> {
  const { sql, identity, signal, pollMs, wakeups = processLogWakeups, tails = processLogTails, batchSize = 100 } = options;
  const workspaceId = identity.workspaceId;
  if (!workspaceId) throw chiefError(ErrorCode.FORBIDDEN, 'A subscription follows one workspace: name it (x-chief-workspace or the token\'s wid)');
  const types = options.types?.length ? JSON.stringify(options.types) : null;
  const read = <T>(fn: (request: RequestSession) => Promise<T>) =>
    runOperation(sql, identity, (request) => {
      request.readOnly = true;
      return fn(request);
    });
  const check = () => read((request) => request.run(async () => undefined));
  const authorize = options.authorize ?? check;

  let position: LogPosition = await read((request) =>
    request.run(async ({ sql: tx }) => {
      if (!options.after) {
        // Every transaction below the oldest one running has ended: what they wrote is history.
        const [now] = await tx.unsafe<{ xmin: string }[]>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
        return { xid: now!.xmin, seq: '0' };
      }
      const after = decodeLogCursor(options.after);
      // Row-level security hides other workspaces' events: their cursors are as unknown as made-up ones.
      // `restored`: the event's transaction id is one the database has not reached yet. Transaction ids
      // do not survive a logical dump and restore into a new cluster, whose new events would sort
      // before this position: the follower would wait in silence.
      const [found] = after
        ? await tx.unsafe<{ expired: boolean; restored: boolean }[]>(
            `select created_at < now() - make_interval(hours => $3::int) as expired, xid >= pg_snapshot_xmax(pg_current_snapshot()) as restored
               from ops.events where xid = $1::xid8 and seq = $2::bigint`,
            [after.xid, after.seq, options.retentionHours],
          )
        : [];
      if (!after || !found) throw chiefError(ErrorCode.CURSOR_UNKNOWN, 'after is not a cursor of this workspace\'s log: subscribe without after, and reload what you show', { field: 'after' });
      if (found.restored) {
        throw chiefError(ErrorCode.CURSOR_EXPIRED, 'after is from before the database was restored: reload what you show, then subscribe without after', { field: 'after' });
      }
      if (found.expired) {
        throw chiefError(ErrorCode.CURSOR_EXPIRED, `after is older than the ${options.retentionHours} hours a subscription may resume from: reload what you show, then subscribe without after`, { field: 'after' });
      }
      return after;
    }),
  );

  let attached: { listener: TailListener; leave(): void } | null = null;
  try {
    while (!signal.aborted) {
      if (attached) {
        const { listener } = attached;
        const event = listener.queue.shift();
        if (event === RECHECK_ACCESS) {
          await check();
        } else if (event) {
          await authorize(event);
          if (signal.aborted) return;
          position = event;
          yield event;
        } else if (listener.failure) {
          throw listener.failure;
        } else if (listener.detached) {
          attached = null; // it fell behind: catch up from `position` on its own
        } else {
          await listener.waitForMore(signal);
        }
        continue;
      }
      const joined = tails.join({ sql, workspaceId, position, types: options.types?.length ? options.types : null, pollMs, wakeups, batchSize });
      if ('listener' in joined) {
        attached = joined;
        continue;
      }
      // The workspace's tail has read past this follower: read the gap under the caller's identity.
      // The tail's read ended before this one starts, so this one's gate is past `ahead` too.
      const { ahead } = joined;
      const batch = await read((request) =>
        request.run(({ sql: tx }) =>
          tx.unsafe<Omit<LogEvent, 'cursor'>[]>(
            `select ${LOG_COLUMNS} from ops.events
              where workspace_id = $1::uuid and (xid, seq) > ($2::xid8, $3::bigint) and (xid, seq) <= ($5::xid8, $6::bigint)
                ${types ? 'and type in (select json_array_elements_text($7::json))' : ''}
              order by xid, seq limit $4::int`,
            [workspaceId, position.xid, position.seq, batchSize, ahead.xid, ahead.seq, ...(types ? [types] : [])],
          ),
        ),
      );
      for (const row of batch) {
        if (signal.aborted) return;
        position = { xid: row.xid, seq: row.seq };
        yield { ...row, cursor: encodeLogCursor(position) };
      }
      // All of the gap was read: what is left in it is of other types.
      if (batch.length < batchSize) position = ahead;
    }
  } finally {
    attached?.leave();
  }
}
