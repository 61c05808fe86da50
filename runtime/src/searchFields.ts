import { z } from 'zod';
import { withSession, type RequestSession } from './createRequestSession.ts';
import type { LoaderRegistry } from './LoaderRegistry.ts';
import type { Logger } from './createLogger.ts';
import { serializeError } from './createLogger.ts';
import type { Embedder } from './embeddings.ts';
import { parseInput } from './parseInput.ts';
import { hybridSearch, queryTerms, vectorOf, type SearchHit } from './hybridSearch.ts';
import { SEARCH_TYPES, type SearchType } from './searchSources.ts';

export interface SearchScope {
  session: RequestSession;
  loaders: LoaderRegistry;
  logger: Logger;
}

/** The most hits one search field returns. */
export const MAX_SEARCH_HITS = 50;
/** Query vectors kept per process, so a repeated query (a page, a refresh) costs no embedding call. */
const QUERY_CACHE_SIZE = 500;

const first = (byDefault: number) => z.number().int().min(0).max(MAX_SEARCH_HITS, `must be at most ${MAX_SEARCH_HITS}`).nullish().transform((n) => n ?? byDefault);
const minScore = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').nullish();

const filters = z
  .strictObject({ founderId: z.uuid('must be a valid id').nullish(), since: z.date().nullish(), until: z.date().nullish(), includeArchived: z.boolean().nullish() })
  .refine((f) => !f.since || !f.until || f.since < f.until, { message: 'must be after since', path: ['until'] })
  .nullish();

const searchArgs = z.strictObject({
  query: z.string().trim().min(1, 'must have words to search for').max(1000, 'must be at most 1000 characters'),
  // Each type once: a type named twice would be ranked twice and its hits credited twice.
  types: z
    .array(z.enum(SEARCH_TYPES as [SearchType, ...SearchType[]]))
    .min(1, 'must name at least one type; leave it out to search every type')
    .max(SEARCH_TYPES.length, `must name at most the ${SEARCH_TYPES.length} types`)
    .transform((types) => [...new Set(types)])
    .nullish(),
  filters,
  first: first(10),
  minScore,
});

const similarArgs = z.strictObject({ first: first(5), minScore, types: searchArgs.shape.types });

export interface SearchFields {
  embedder: Embedder;
  /** A search field: hits of `types` (every type when null: the arguments' `types` decide) for the arguments' query. */
  search(ctx: SearchScope, args: unknown, types?: readonly SearchType[]): Promise<SearchHit[]>;
  /** A "more like this" field on an entity: the nearest neighbours of its vector, itself left out. */
  similar(ctx: SearchScope, of: { type: SearchType; id: string }, args: unknown, types?: readonly SearchType[]): Promise<SearchHit[]>;
}

/**
 * Search as GraphQL fields, for the subgraphs that own searchable types: arguments checked
 * (BAD_USER_INPUT naming the argument), the query embedded by the configured embedder (a remote
 * one with no transaction open, and its answers cached), then one hybrid search in the request's
 * session. When the embedder cannot answer, search goes on by words alone (and says so in the log):
 * a search that finds less is better than none.
 */
export function createSearchFields(embedder: Embedder): SearchFields {
  const cache = new Map<string, number[] | null>();

  async function queryVector(ctx: SearchScope, text: string): Promise<number[] | null> {
    if (cache.has(text)) {
      const vector = cache.get(text)!;
      cache.delete(text);
      cache.set(text, vector);
      return vector;
    }
    const embed = () => embedder.embed([text], { interactive: true });
    try {
      const { vectors } = embedder.kind === 'lexical' ? await embed() : await ctx.session.outsideTransaction(embed);
      const vector = vectors[0] ?? null;
      cache.set(text, vector);
      if (cache.size > QUERY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return vector;
    } catch (error) {
      ctx.logger.warn({ err: serializeError(error), embedder: embedder.id }, 'search query not embedded: searching by words alone');
      return null;
    }
  }

  return {
    embedder,
    async search(ctx, rawArgs, types) {
      const args = parseInput(searchArgs, rawArgs, null);
      if (args.first === 0) return [];
      // Excluded words (`-word`) are not what the query is about: its vector is of the wanted ones.
      const { wanted } = queryTerms(args.query);
      const vector = wanted ? await queryVector(ctx, wanted) : null;
      return withSession(ctx, (session) =>
        hybridSearch(session, {
          types: types ?? args.types ?? SEARCH_TYPES,
          text: args.query,
          vector,
          embedderId: embedder.id,
          minSimilarity: embedder.minSimilarity,
          filters: {
            founderId: args.filters?.founderId ?? null,
            since: args.filters?.since?.toISOString() ?? null,
            until: args.filters?.until?.toISOString() ?? null,
            includeArchived: args.filters?.includeArchived ?? false,
          },
          first: args.first,
          minScore: args.minScore ?? null,
        }),
      );
    },
    async similar(ctx, of, rawArgs, types) {
      const args = parseInput(similarArgs, rawArgs, null);
      if (args.first === 0) return [];
      return withSession(ctx, async (session) => {
        const vector = await vectorOf(session, of.type, of.id, embedder.id);
        if (!vector) return [];
        return hybridSearch(session, {
          types: types ?? args.types ?? SEARCH_TYPES,
          text: null,
          vector,
          embedderId: embedder.id,
          minSimilarity: embedder.minSimilarity,
          exclude: of,
          first: args.first,
          minScore: args.minScore ?? null,
        });
      });
    },
  };
}

/**
 * A per-type search field's hits with their entity (and passage) loaded by the owning subgraph
 * through the request's loaders: one statement for all; a hit whose row is gone is left out.
 */
async function withRows<TRow, TExtra extends object>(
  hits: SearchHit[],
  field: string,
  load: (id: string) => Promise<TRow | null>,
  extra: (hit: SearchHit) => Promise<TExtra | null> = async () => ({}) as TExtra,
): Promise<(SearchHit & Record<string, unknown>)[]> {
  const loaded = await Promise.all(hits.map(async (hit) => [await load(hit.entityId), await extra(hit)] as const));
  return hits.flatMap((hit, i) => {
    const [row, more] = loaded[i]!;
    return row && more ? [{ ...hit, ...more, [field]: row }] : [];
  });
}

type Resolver = (parent: { id: string }, args: unknown, ctx: SearchScope) => Promise<(SearchHit & Record<string, unknown>)[]>;

/**
 * The resolvers of one type's search fields, for the subgraph that owns the type: `search` (the
 * per-type query field) and `similar` (its "more like this" field), each hit with its entity under
 * `field` loaded by `load`, and for a type of passages the passage by `passage`.
 */
export function typeSearch<TRow, TPassage>(
  fields: SearchFields,
  type: SearchType,
  field: string,
  load: (ctx: SearchScope, id: string) => Promise<TRow | null>,
  passage?: (ctx: SearchScope, id: string) => Promise<TPassage | null>,
): { search: Resolver; similar: Resolver } {
  const withEntities = (ctx: SearchScope, hits: SearchHit[]) =>
    withRows(hits, field, (id) => load(ctx, id), passage && (async (hit) => {
      const row = hit.passage ? await passage(ctx, hit.passage.id) : null;
      return row ? { passage: row } : null;
    }));
  return {
    search: async (_, args, ctx) => withEntities(ctx, await fields.search(ctx, args, [type])),
    similar: async (parent, args, ctx) => withEntities(ctx, await fields.similar(ctx, { type, id: parent.id }, args, [type])),
  };
}

/** Resolver maps merged type by type (a subgraph's own and its search fields'). */
export function mergeResolvers<T extends Record<string, object>>(...maps: T[]): T {
  const merged: Record<string, object> = {};
  for (const map of maps) for (const [type, fields] of Object.entries(map)) merged[type] = merged[type] ? { ...merged[type], ...fields } : fields;
  return merged as T;
}
