import type { Session } from './createRequestSession.ts';
import { SEARCH_TYPES, searchSources, type SearchType } from './searchSources.ts';

export interface SearchIndexCounts {
  type: SearchType;
  /** Rows with a vector of the current embedder: found by meaning. */
  embedded: number;
  /** Rows waiting for one (new, changed, or made by another embedder): found by their words meanwhile. */
  pending: number;
  /** Rows that have none, with why (e.g. no words to embed). */
  failed: number;
  /** When the last of them was embedded. */
  lastEmbeddedAt: Date | null;
}

/**
 * How far the search index of the workspace in scope has got, per searchable type, in one
 * statement (row-level security counts only what the caller sees). Each count is one of the
 * tables' partial indexes (pending, failed, by embedder), so it reads index entries, not rows.
 */
export async function searchIndexCounts(session: Session, embedderId: string): Promise<SearchIndexCounts[]> {
  const parts = SEARCH_TYPES.map((type) => {
    const from = `from ${searchSources[type].table} r where r.workspace_id = (select auth.workspace_id())`;
    const mine = `${from} and r.embedding is not null and r.embedding_model = $1`;
    return `select '${type}' as type,
      (select count(*) ${mine}) as embedded,
      (select count(*) ${from} and r.embedding is null and r.embedding_error is null)
        + (select count(*) ${from} and r.embedding is not null and (r.embedding_model < $1 or r.embedding_model > $1)) as pending,
      (select count(*) ${from} and r.embedding_error is not null) as failed,
      (select max(r.embedded_at) ${mine}) as last_embedded_at`;
  });
  const rows = await session.sql.unsafe<{ type: SearchType; embedded: string; pending: string; failed: string; last_embedded_at: Date | null }[]>(parts.join(' union all '), [embedderId]);
  return rows.map((r) => ({ type: r.type, embedded: Number(r.embedded), pending: Number(r.pending), failed: Number(r.failed), lastEmbeddedAt: r.last_embedded_at }));
}
