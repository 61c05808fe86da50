import { z } from 'zod';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Session } from './createRequestSession.ts';

/** How far ahead of Chief's clock a connector's clock may run. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** An instant that has happened (a message received, a video recorded), give or take the clock skew. */
export const pastInstant = z.date().refine((at) => at.getTime() <= Date.now() + MAX_CLOCK_SKEW_MS, 'must not be in the future');

/** A BCP 47 language tag (en, ar-KW), as the transcripts' CHECKs hold it. */
export const languageTag = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag (en, ar-KW)');

/**
 * A place in a recording, in seconds, within a day, rounded to the millisecond the database
 * keeps (numeric(10,3)): a chunk read back and sent again is the same chunk.
 */
export const recordingSeconds = z
  .number()
  .min(0, 'must not be negative')
  .max(86_400, 'must be within a day')
  .transform((s) => Math.round(s * 1000) / 1000);

/** Rows per insert statement: well under Postgres' 65,535 parameters for any table here. */
const ROWS_PER_STATEMENT = 500;

/** Inserts many rows (a transcript's chunks) in as few statements as the protocol allows. */
export async function insertInSlices<T extends PgTable>(session: Session, table: T, rows: T['$inferInsert'][]): Promise<void> {
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) await session.db.insert(table).values(rows.slice(at, at + ROWS_PER_STATEMENT) as never);
}
