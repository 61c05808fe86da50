/**
 * A position in the event log: the writer's transaction id and the event's sequence number. Log
 * readers deliver events in (xid, seq) order and only below the oldest transaction still running,
 * so a transaction that commits after a younger one can never be passed over (see followLog).
 */
export interface LogPosition {
  xid: string;
  seq: string;
}

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
