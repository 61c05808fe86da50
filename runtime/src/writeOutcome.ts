import { eq } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { forbidden, notFound } from './errors.ts';
import type { Session } from './createRequestSession.ts';

/**
 * An UPDATE or DELETE that row-level security filtered to nothing: tells "not there" (NOT_FOUND)
 * from "there, but not yours to change" (FORBIDDEN) with one look through the select policy.
 */
export async function refuseWrite(session: Session, table: PgTable & { id: AnyPgColumn }, type: string, id: string): Promise<never> {
  const visible = await session.db.select({ id: table.id }).from(table as PgTable).where(eq(table.id, id));
  if (visible.length) throw forbidden(`Your role does not allow changing this ${type.toLowerCase()}`);
  throw notFound(type, id);
}
