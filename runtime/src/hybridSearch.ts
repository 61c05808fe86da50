import type { Session } from './createRequestSession.ts';
import { textArray, uuidArray } from './queries.ts';
import { searchSources, type SearchSource, type SearchType } from './searchSources.ts';

/**
 * Reciprocal rank fusion (Cormack et al., 2009): a hit's score is the sum over the rankings that
 * found it of weight / (RRF_K + rank). 60 is the paper's constant: it keeps the top few ranks of
 * one list from outweighing agreement between both. Vector and words weigh the same.
 */
export const RRF_K = 60;
export const VECTOR_WEIGHT = 1;
export const TEXT_WEIGHT = 1;
/** A fused score is divided by this, the score of a hit first in both rankings: scores are 0..1. */
const BEST_FUSED = VECTOR_WEIGHT / (RRF_K + 1) + TEXT_WEIGHT / (RRF_K + 1);

/**
 * A workspace with at most this many vectors in a table is searched exactly (every vector
 * compared): it is fast at that size and its recall is 1, where an HNSW graph built over every
 * workspace's rows would have to be walked far to find a small workspace's few. Above it, HNSW with
 * pgvector's iterative scans (see SCAN_SETTINGS). test/bench/search.ts measures both.
 */
export const EXACT_SEARCH_MAX_ROWS = 5_000;
/**
 * pgvector 0.8's iterative index scan, for this transaction only: when the rows the graph gives
 * first are filtered out (another workspace's, another embedder's, outside the filters), the scan
 * goes on (relaxed order: results re-sorted after) until enough are found or max_scan_tuples rows
 * were visited. ef_search is the candidate list per step.
 */
const SCAN_SETTINGS = { efSearch: 400, maxScanTuples: 40_000 };

/** How many entities each ranking (vectors, words) contributes per table, for `first` hits. */
const candidatesFor = (first: number) => Math.min(200, Math.max(40, first * 4));
/**
 * Nearest passages read for that many entities, where a table holds passages (a meeting's
 * transcript chunks): an index scan gives rows, not entities, and one meeting's passages may fill
 * the first ones.
 */
const PASSAGES_PER_ENTITY = 4;
const MAX_PASSAGE_CANDIDATES = 800;

/**
 * How long a workspace's vector count per table (exact or HNSW) is kept: the choice changes only
 * when a workspace crosses EXACT_SEARCH_MAX_ROWS, and counting on every search costs up to that
 * many index entries per table.
 */
const SIZE_TTL_MS = 30_000;
const sizes = new Map<string, { exact: boolean; at: number }>();
const SIZES_KEPT = 10_000;

export interface SearchFilters {
  founderId?: string | null;
  /** Instants (RFC 3339): when the thing happened, from `since` (inclusive) to `until` (exclusive). */
  since?: string | null;
  until?: string | null;
  /** Archived contacts and communications are left out unless this is true. */
  includeArchived?: boolean | null;
}

export interface SearchRequest {
  types: readonly SearchType[];
  /** The query's words for full-text search; null searches by the vector alone (more like this). */
  text: string | null;
  /** The query's vector; null searches by words alone (no embedder answered). */
  vector: number[] | null;
  /** Vectors of another embedder are not comparable with the query's, and are left out. */
  embedderId: string;
  /** Nearest vectors less similar than this are noise, not matches (the embedder's minSimilarity). */
  minSimilarity: number;
  filters?: SearchFilters;
  /** An entity to leave out (the one "more like this" is asked of). */
  exclude?: { type: SearchType; id: string };
  first: number;
  minScore?: number | null;
  /** Overrides EXACT_SEARCH_MAX_ROWS (the benchmark compares both paths on one workspace). */
  exactSearchMaxRows?: number;
}

export type SearchMatch = 'VECTOR' | 'TEXT';

export interface Passage {
  id: string;
  position: number;
  speaker: string | null;
  startSeconds: number | null;
  endSeconds: number | null;
  page: number | null;
}

export interface SearchHit {
  type: SearchType;
  /** The entity's GraphQL type and id (a chunk's meeting or media asset). */
  typename: string;
  entityId: string;
  /** 0..1: the reciprocal-rank fusion of both rankings (see RRF_K); by vector alone, the similarity. */
  score: number;
  /** Cosine similarity of the query's vector and the row's (-1..1), when the vector ranking found it. */
  similarity: number | null;
  /** Postgres' ts_rank_cd of the query's words, normalized to 0..1, when full-text search found it. */
  textRank: number | null;
  matchedBy: SearchMatch[];
  /** The part of the entity that matched (e.g. `content`, `bio`, `transcript`). */
  matchedIn: string;
  /** The passage of that part that matched, plain text. */
  snippet: string;
  /** Where in a recording or document, for a transcript or media passage. */
  passage: Passage | null;
  /** The embedder of the row's vector, or null when it has none yet (found by its words). */
  embeddedBy: string | null;
}

interface Candidate {
  type: SearchType;
  list: 'V' | 'T';
  id: string;
  entity_id: string | null;
  /** The ranking's key: a vector's distance; for words, 1 if all of them match, plus their rank. */
  value: number;
  /** For words: ts_rank_cd of any of them, 0..1. */
  rank: number | null;
}

/** A "quoted phrase" (kept whole, a dash in it included), or what the query excludes: `-word`, `-"a phrase"`. */
const PHRASE_OR_EXCLUDED = /"[^"]*"?|(?<=^|\s)-("[^"]*"?|[^\s"]+)/g;

/**
 * A query's words to look for (its excluded ones taken out: they are not what it is about, and are
 * not embedded) and the words it excludes, as websearch_to_tsquery reads them.
 */
export function queryTerms(query: string): { wanted: string; excluded: string[] } {
  const excluded: string[] = [];
  const wanted = query.replace(PHRASE_OR_EXCLUDED, (match, term: string | undefined) => {
    if (term === undefined) return match;
    const words = term.replaceAll('"', '').trim();
    if (words) excluded.push(words);
    return ' ';
  });
  return { wanted: wanted.replace(/\s+/g, ' ').trim(), excluded };
}

/**
 * The query's words, three ways: `q`, as web search engines read them (every word, "quoted
 * phrases", -excluded words); `any`, its wanted words joined by OR; and `none`, its excluded words
 * or phrases, joined by OR (null if none). Rows with any wanted word are word matches (a question's
 * every word is rarely in one row), those matching `q` rank first among them, and rows with an
 * excluded word are no match at all, by words or by meaning.
 */
const queryWords = (query: string, wanted: string, excluded?: string) => `with q as (
  select websearch_to_tsquery('english', ${query}) as q,
    coalesce((select string_agg(quote_literal(l), ' | ') from unnest(tsvector_to_array(to_tsvector('english', ${wanted}))) l)::tsquery, ''::tsquery) as any,
    ${excluded ? `(select string_agg('(' || p::text || ')', ' | ')::tsquery from unnest(${excluded}::text[]) e, phraseto_tsquery('english', e) p where p::text <> '')` : 'null::tsquery'} as none
)`;

/** Query parameters, numbered as they are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The rows of a table the request may rank: the workspace in scope (RLS decides too), the filters, not the excluded entity. */
function scope(source: SearchSource, request: SearchRequest, p: Record<'founder' | 'since' | 'until' | 'exclude', string | null>): string {
  const where = ['r.workspace_id = (select auth.workspace_id())'];
  if (source.archived && !request.filters?.includeArchived) where.push(`not ${source.archived}`);
  // An excluded word excludes the entity: for a passage, if any passage of its entity has it.
  if (request.text !== null) {
    where.push(source.siblingsOf
      ? `((select q.none from q) is null or not exists (select 1 from ${source.table} x where ${source.siblingsOf('x')} and x.search_terms @@ (select q.none from q)))`
      : 'not coalesce(r.search_terms @@ (select q.none from q), false)');
  }
  if (p.founder) where.push(`${source.founderId} = ${p.founder}::uuid`);
  if (p.since) where.push(`${source.occurredAt} >= ${p.since}::timestamptz`);
  if (p.until) where.push(`${source.occurredAt} < ${p.until}::timestamptz`);
  if (p.exclude && request.exclude?.type === source.type) where.push(`(${source.rowsOf(`${p.exclude}::uuid`)}) is not true`);
  return where.join(' and ');
}

/**
 * Ranks the rows of the asked-for tables for a query, under the caller's session (row-level
 * security decides what is seen): the nearest vectors (exact or HNSW, per table, by the
 * workspace's size) and the best full-text matches, fused by reciprocal rank across every table at
 * once so scores compare across domains; one hit per entity (its best passage); then the snippet
 * and where it matched for the hits returned. Three statements whatever the number of tables.
 */
export async function hybridSearch(session: Session, request: SearchRequest): Promise<SearchHit[]> {
  const sources = request.types.map((t) => searchSources[t]);
  const useVector = request.vector !== null;
  const useText = request.text !== null && request.text.trim() !== '';
  if (!sources.length || (!useVector && !useText) || request.first === 0) return [];
  const k = candidatesFor(request.first);

  // 1. This transaction's scan settings, and which tables are small enough for the workspace to be searched exactly.
  let exact: boolean[] = sources.map(() => false);
  if (useVector) {
    const exactMax = request.exactSearchMaxRows ?? EXACT_SEARCH_MAX_ROWS;
    const now = Date.now();
    const keys = sources.map((s) => `${session.identity.workspaceId}:${s.table}:${request.embedderId}:${exactMax}`);
    const known = keys.map((key) => sizes.get(key)).map((size) => (size && now - size.at < SIZE_TTL_MS ? size.exact : null));
    const counts = sources.map((s, i) =>
      // The embedder's vectors only: after a change of embedders, the old ones are filtered out of the scan.
      known[i] !== null ? 'null' : `(select count(*) from (select 1 from ${s.table} r where r.workspace_id = (select auth.workspace_id()) and r.embedding is not null and r.embedding_model = $3 limit ${exactMax + 1}) n)`,
    );
    const [plan] = await session.sql.unsafe<{ sizes: (number | string | null)[] }[]>(
      `select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $1, true), set_config('hnsw.max_scan_tuples', $2, true),
        json_build_array(${counts.join(', ')}) as sizes`,
      // $3 only where a count is made (a parameter no statement names has no type).
      [String(SCAN_SETTINGS.efSearch), String(SCAN_SETTINGS.maxScanTuples), ...(known.includes(null) ? [request.embedderId] : [])],
    );
    exact = plan!.sizes.map((n, i) => {
      if (known[i] !== null) return known[i]!;
      const small = Number(n) <= exactMax;
      if (sizes.size >= SIZES_KEPT) sizes.clear();
      sizes.set(keys[i]!, { exact: small, at: now });
      return small;
    });
  }

  // 2. Candidates of both rankings from every table, in one statement.
  const params = new Params();
  const terms = queryTerms(useText ? request.text! : '');
  const words = params.add(useText ? request.text : '');
  const wanted = params.add(terms.wanted);
  const excluded = params.add(textArray(terms.excluded));
  const vector = useVector ? params.add(`[${request.vector!.join(',')}]`) : null;
  const model = useVector ? params.add(request.embedderId) : null;
  const limit = params.add(k);
  const f = request.filters ?? {};
  const p = {
    founder: f.founderId ? params.add(f.founderId) : null,
    since: f.since ? params.add(f.since) : null,
    until: f.until ? params.add(f.until) : null,
    exclude: request.exclude ? params.add(request.exclude.id) : null,
  };
  const parts: string[] = [];
  sources.forEach((source, i) => {
    const where = scope(source, request, p);
    const passages = source.siblingsOf !== null;
    const head = (list: 'V' | 'T') => `select '${source.type}' as type, '${list}' as list, r.id, ${source.entity.id} as entity_id`;
    if (useVector) {
      const rows = exact[i]
        ? // OFFSET 0 keeps the rows a subquery of their own, so no index orders them: every vector is compared.
          `(select * from ${source.table} r where ${where} and r.embedding is not null and r.embedding_model = ${model} offset 0) r`
        : `${source.table} r`;
      const filter = exact[i] ? 'true' : `${where} and r.embedding is not null and r.embedding_model = ${model}`;
      const nearest = `${head('V')}, (r.embedding <=> ${vector}::vector)::float8 as value, null::float8 as rank from ${rows} where ${filter}`;
      if (!passages) parts.push(`(${nearest} order by r.embedding <=> ${vector}::vector limit ${limit})`);
      // Every distance is computed on the exact path anyway: the nearest passage of each entity.
      else if (exact[i]) parts.push(`(select * from (select distinct on (entity_id) * from (${nearest}) c order by entity_id, value, id) e order by value limit ${limit})`);
      // An index scan gives passages in order: enough of them for `limit` entities, unless a few entities hold most of the nearest.
      else parts.push(`(${nearest} order by r.embedding <=> ${vector}::vector limit ${Math.min(MAX_PASSAGE_CANDIDATES, k * PASSAGES_PER_ENTITY)})`);
    }
    if (useText) {
      const ranked = `${head('T')}, ((r.search_terms @@ q.q)::int + ts_rank_cd(r.search_terms, q.any, 32))::float8 as value, ts_rank_cd(r.search_terms, q.any, 32)::float8 as rank
        from ${source.table} r, q where ${where} and r.search_terms @@ q.any`;
      // Words have no index order to keep: a table of passages gives its best one per entity.
      parts.push(passages
        ? `(select * from (select distinct on (entity_id) * from (${ranked}) c order by entity_id, value desc, id) e order by value desc limit ${limit})`
        : `(${ranked} order by 5 desc limit ${limit})`);
    }
  });
  const candidates = await session.sql.unsafe<Candidate[]>(
    `${queryWords(words, wanted, excluded)} ${parts.join(' union all ')}`,
    params.values as never[],
  );

  const hits = fuse(candidates, request, k);
  if (!hits.length) return [];

  // 3. Where each hit matched, its snippet and passage.
  return describe(session, hits, useText ? terms.wanted : '', request.embedderId);
}

interface Ranked {
  type: SearchType;
  rowId: string;
  entityId: string;
  score: number;
  similarity: number | null;
  textRank: number | null;
  matchedBy: SearchMatch[];
}

/**
 * Reciprocal rank fusion over every table's candidates at once, by entity: each ranking is first
 * made a ranking of entities (an entity ranks where its best passage does; `limit` of them per
 * table), so a meeting with many passages counts once, as a contact does, and scores compare
 * across types. A hit is shown by the passage that ranked it best.
 */
function fuse(candidates: Candidate[], request: SearchRequest, limit: number): Ranked[] {
  const hits = new Map<string, Ranked & { best: number }>();
  const entities = (list: Candidate[]) => {
    const seen = new Set<string>();
    const perType = new Map<SearchType, number>();
    return list.filter((c) => {
      const key = `${c.type}:${c.entity_id}`;
      if (seen.has(key) || (perType.get(c.type) ?? 0) >= limit) return false;
      seen.add(key);
      perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
      return true;
    });
  };
  const credit = (c: Candidate, rank: number, score: number) => {
    const key = `${c.type}:${c.entity_id}`;
    let hit = hits.get(key);
    if (!hit) hits.set(key, (hit = { type: c.type, rowId: c.id, entityId: c.entity_id!, score: 0, similarity: null, textRank: null, matchedBy: [], best: rank }));
    if (rank < hit.best) {
      hit.rowId = c.id;
      hit.best = rank;
    }
    hit.score += score;
    return hit;
  };
  const byVector = entities(candidates.filter((c) => c.list === 'V' && c.entity_id && 1 - c.value >= request.minSimilarity).sort((a, b) => a.value - b.value || (a.id < b.id ? -1 : 1)));
  const byText = entities(candidates.filter((c) => c.list === 'T' && c.entity_id).sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : 1)));
  const vectorOnly = request.text === null;
  byVector.forEach((c, i) => {
    const similarity = 1 - c.value;
    const hit = credit(c, i, vectorOnly ? Math.max(0, similarity) : VECTOR_WEIGHT / (RRF_K + i + 1) / BEST_FUSED);
    hit.similarity = similarity;
    hit.matchedBy.push('VECTOR');
  });
  byText.forEach((c, i) => {
    const hit = credit(c, i, TEXT_WEIGHT / (RRF_K + i + 1) / BEST_FUSED);
    hit.textRank = c.rank;
    hit.matchedBy.push('TEXT');
  });
  const minScore = request.minScore ?? 0;
  return [...hits.values()]
    .filter((hit) => hit.score >= minScore)
    .sort((a, b) => b.score - a.score || (b.similarity ?? -2) - (a.similarity ?? -2) || (a.rowId < b.rowId ? -1 : 1))
    .slice(0, request.first)
    .map(({ best: _, ...hit }) => hit);
}

/** ts_headline's options: a passage of 12–30 words around the matches, plain text. */
const HEADLINE = 'MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … ", StartSel="", StopSel=""';
/** ts_headline reads at most this much of a long text. */
const HEADLINE_CHARS = 20_000;

async function describe(session: Session, hits: Ranked[], text: string, embedderId: string): Promise<SearchHit[]> {
  const types = [...new Set(hits.map((h) => h.type))];
  const params = new Params();
  const words = params.add(text);
  const headline = params.add(HEADLINE);
  const parts = types.map((type) => {
    const source = searchSources[type];
    const ids = params.add(uuidArray(hits.filter((h) => h.type === type).map((h) => h.rowId)));
    const body = source.fields.find((fl) => fl.name === source.bodyField)!;
    const ordered = [body, ...source.fields.filter((fl) => fl !== body)];
    // The part whose words rank best for the query's (the first of equals); else the first part with text.
    const ranks = source.fields.map((fl, i) => `(ts_rank(to_tsvector('english', coalesce(${fl.text}, '')), q.any), '${fl.name}', ${i})`).join(', ');
    const matched = `(select name from (values ${ranks}) as parts(rank, name, i) where rank > 0 order by rank desc, i limit 1)`;
    const present = ordered.map((fl) => `case when coalesce(${fl.text}, '') <> '' then '${fl.name}' end`).join(', ');
    const textOf = source.fields.map((fl) => `when '${fl.name}' then ${fl.text}`).join(' ');
    return `select '${type}' as type, r.id, m.field, ts_headline('english', left(coalesce(case m.field ${textOf} end, ''), ${HEADLINE_CHARS}), q.any, ${headline}) as snippet,
        ${source.passage ?? 'null::json'} as passage, r.embedding_model
      from ${source.table} r cross join q
      cross join lateral (select coalesce(${matched}, ${present}, '${source.bodyField}') as field) m
      where r.id = any(${ids}::uuid[])`;
  });
  const rows = await session.sql.unsafe<{ type: SearchType; id: string; field: string; snippet: string; passage: Passage | null; embedding_model: string | null }[]>(
    `${queryWords(words, words)} ${parts.join(' union all ')}`,
    params.values as never[],
  );
  const found = new Map(rows.map((r) => [`${r.type}:${r.id}`, r]));
  return hits.flatMap((hit) => {
    const row = found.get(`${hit.type}:${hit.rowId}`);
    if (!row) return [];
    const passage = row.passage && {
      ...row.passage,
      startSeconds: row.passage.startSeconds === null ? null : Number(row.passage.startSeconds),
      endSeconds: row.passage.endSeconds === null ? null : Number(row.passage.endSeconds),
    };
    return [{
      type: hit.type, typename: searchSources[hit.type].entity.typename, entityId: hit.entityId,
      score: hit.score, similarity: hit.similarity, textRank: hit.textRank, matchedBy: hit.matchedBy,
      // Found by its vector, it has one of the query's embedder (the passage shown may be another, still waiting).
      matchedIn: row.field, snippet: row.snippet.trim(), passage, embeddedBy: hit.matchedBy.includes('VECTOR') ? embedderId : row.embedding_model,
    }];
  });
}

/**
 * The vector an entity is "more like": its row's, or the mean of its passages' (a meeting's
 * transcript), made by `embedderId`; null while it has none.
 */
export async function vectorOf(session: Session, type: SearchType, entityId: string, embedderId: string): Promise<number[] | null> {
  const source = searchSources[type];
  const [row] = await session.sql.unsafe<{ v: string | null }[]>(
    `select avg(r.embedding)::text as v from ${source.table} r where ${source.rowsOf('$1::uuid')} and r.embedding_model = $2`,
    [entityId, embedderId],
  );
  return row?.v ? (JSON.parse(row.v) as number[]) : null;
}
