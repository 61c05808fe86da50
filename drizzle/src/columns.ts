import { sql, type SQL } from 'drizzle-orm';
import { check, customType, index, text, timestamp, uuid, vector, type AnyPgColumn } from 'drizzle-orm/pg-core';

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

/**
 * A searchable table's place in the search index: the vector of its text (1536 dimensions, the
 * width of text-embedding-3-small), which embedder made it and when, and why it could not be
 * made. A change of the text clears them (the trigger core.mark_embedding_stale), and writing
 * them does not touch updated_at (core.set_updated_at): they are the index's, not the row's.
 */
export const searchIndexColumns = () => ({
  embedding: vector('embedding', { dimensions: 1536 }),
  embeddingModel: text('embedding_model'),
  embeddedAt: timestamp('embedded_at', { withTimezone: true, mode: 'date' }),
  embeddingError: text('embedding_error'),
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * The words a row is found by in full-text search, kept by Postgres from the row's text
 * (`weighted`: setweight'd to_tsvector parts, English stemming), GIN-indexed by searchIndexRules.
 * The other half of hybrid search, beside the vector: it is current the moment the row is written.
 */
export const searchTerms = (weighted: SQL) => tsvector('search_terms').generatedAlwaysAs(weighted);

/**
 * searchTerms of text columns, by weight (A counts most): `{ A: ['"title"'], B: ['"content"'] }`,
 * each an SQL text expression over the row's own columns (a generated column cannot name the
 * table), null being no words.
 */
export const weightedWords = (parts: Partial<Record<'A' | 'B' | 'C' | 'D', string[]>>): SQL =>
  sql.raw(
    Object.entries(parts)
      .map(([weight, texts]) => `setweight(to_tsvector('english'::regconfig, ${texts!.map((t) => `coalesce(${t}, '')`).join(` || ' ' || `)}), '${weight}')`)
      .join(' || '),
  );

/**
 * Their rules: a vector comes with its embedder and time, and a row has a vector or an error, not
 * both. Indexed, so the backlog and the index's status read no rows: a workspace's rows waiting for
 * a vector, those that failed, and the vectors by embedder and time (rows of another embedder than
 * the worker's wait too; in steady state that range is empty).
 */
export const searchIndexRules = (table: string, t: { workspaceId: AnyPgColumn; embedding: AnyPgColumn; embeddingModel: AnyPgColumn; embeddedAt: AnyPgColumn; embeddingError: AnyPgColumn; searchTerms: AnyPgColumn }) => [
  check(`ck_${table}_embedding`, sql`(${t.embedding} is null) = (${t.embeddingModel} is null) and (${t.embedding} is null) = (${t.embeddedAt} is null)
    and not (${t.embedding} is not null and ${t.embeddingError} is not null)
    and (${t.embeddingError} is null or char_length(${t.embeddingError}) between 1 and 1000)`),
  index(`ix_${table}_embedding_pending`).on(t.workspaceId).where(sql`${t.embedding} is null and ${t.embeddingError} is null`),
  index(`ix_${table}_embedding_model`).on(t.embeddingModel, t.workspaceId, t.embeddedAt).where(sql`${t.embedding} is not null`),
  index(`ix_${table}_embedding_failed`).on(t.workspaceId).where(sql`${t.embeddingError} is not null`),
  index(`ix_${table}_search_terms`).using('gin', t.searchTerms),
];
