import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Primary key: a random UUID made by the database. */
export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

/** The tenant column; every tenant table carries it and leads its composite indexes with it. */
export const workspaceId = () => uuid('workspace_id').notNull();

/** created_at, and updated_at kept by the trigger that the migrations attach to every table. */
export const timestamps = () => ({
  // A string keeps Postgres' microseconds, which keyset cursors need to be exact.
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
