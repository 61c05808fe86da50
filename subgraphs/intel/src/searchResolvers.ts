import {
  EMBEDDING_DIMENSIONS, loadById, logSubscription, searchIndexCounts, typeSearch, withSession, type LogEvent, type SearchFields, type SearchHit, type SubgraphContext,
} from '@chief/runtime';
import { insights } from './models/index.ts';

type Ctx = SubgraphContext;

/** A cross-domain hit: its entity a reference the owning subgraph resolves through the gateway. */
const crossDomain = (hit: SearchHit) => ({ ...hit, id: hit.entityId, node: { __typename: hit.typename, id: hit.entityId } });

/**
 * Search across every domain (search, Meeting.relatedContext), intel's own searchInsights, and
 * the search index's status, queried and live.
 */
export function intelSearchResolvers(search: SearchFields) {
  const { embedder } = search;
  const status = (ctx: Ctx) =>
    withSession(ctx, async (session) => {
      const types = await searchIndexCounts(session, embedder.id);
      const sum = (key: 'embedded' | 'pending' | 'failed') => types.reduce((n, t) => n + t[key], 0);
      return {
        embedder: { id: embedder.id, kind: embedder.kind.toUpperCase(), dimensions: EMBEDDING_DIMENSIONS },
        embedded: sum('embedded'),
        pending: sum('pending'),
        failed: sum('failed'),
        types,
      };
    });
  return {
    SearchNode: { __resolveType: (node: { __typename: string }) => node.__typename },
    SearchHit: {
      // An insight is intel's own entity: read here (the gateway fetches the others from their owners).
      node: (hit: SearchHit & { node: { __typename: string; id: string } }, _: unknown, ctx: Ctx) =>
        hit.type === 'INSIGHT' ? loadById(ctx, insights, hit.entityId).then((row) => (row ? { ...row, __typename: 'Insight' } : null)) : hit.node,
    },
    Query: {
      search: async (_: unknown, args: unknown, ctx: Ctx) => (await search.search(ctx, args)).map(crossDomain),
      searchInsights: typeSearch(search, 'INSIGHT', 'insight', (ctx, id) => loadById(ctx, insights, id)).search,
      searchIndexStatus: (_: unknown, __: unknown, ctx: Ctx) => status(ctx),
    },
    Meeting: {
      relatedContext: async (meeting: { id: string }, args: unknown, ctx: Ctx) => (await search.similar(ctx, { type: 'MEETING', id: meeting.id }, args)).map(crossDomain),
    },
    Subscription: {
      searchIndexStatusChanged: logSubscription<{ after?: string | null }, Ctx>({
        types: () => ['core.workspace.search_indexed'],
        async payload(event: LogEvent, ctx) {
          const { source, embedded, failed } = event.payload as { source: string; embedded: number; failed: number };
          return { cursor: event.cursor, status: await status(ctx), type: source, embedded, failed };
        },
      }),
    },
  };
}
