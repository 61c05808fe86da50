/**
 * A position in the event log: the writer's transaction id and the event's sequence number. Log
 * readers deliver events in (xid, seq) order and only below the oldest transaction still running,
 * so a transaction that commits after a younger one can never be passed over (see followLog).
 */
export interface LogPosition {
  xid: string;
  seq: string;
}

/** An event of the log as a follower reads it, with the cursor that resumes after it. */
export interface LogEvent {
  id: string;
  seq: string;
  xid: string;
  workspaceId: string;
  type: string;
  entityType: string | null;
  entityId: string | null;
  actorType: string;
  actorId: string | null;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  version: number;
  createdAt: Date;
  cursor: string;
}

/** (xid, seq) order: negative when `a` comes first. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  const xid = BigInt(a.xid) - BigInt(b.xid);
  if (xid !== 0n) return xid < 0n ? -1 : 1;
  const seq = BigInt(a.seq) - BigInt(b.seq);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** A LogEvent's columns (all but the cursor), as every reader of the log selects them. */
export const LOG_COLUMNS = `id, seq::text as seq, xid::text as xid, workspace_id as "workspaceId", type, entity_type as "entityType", entity_id as "entityId",
  actor_type as "actorType", actor_id as "actorId", payload, metadata, version, created_at as "createdAt"`;

const DIGITS = /^\d{1,20}$/;
const PREFIX = 'log1';

/** The opaque text a subscription payload carries as `cursor`. */
export const encodeLogCursor = ({ xid, seq }: LogPosition): string => Buffer.from(`${PREFIX}:${xid}:${seq}`, 'utf8').toString('base64url');

/** The position a cursor names, or null when the text is not a cursor Chief gave out. */
export function decodeLogCursor(cursor: string): LogPosition | null {
  if (cursor.length > 80) return null;
  const [prefix, xid, seq, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (prefix !== PREFIX || rest.length || !xid || !seq || !DIGITS.test(xid) || !DIGITS.test(seq)) return null;
  // Canonical only: one position, one cursor text.
  const position = { xid: BigInt(xid).toString(), seq: BigInt(seq).toString() };
  return encodeLogCursor(position) === cursor ? position : null;
}
