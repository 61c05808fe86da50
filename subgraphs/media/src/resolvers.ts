import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateTimeScalar, JSONObjectScalar, entityChanges, enumValues, loadById, notFound, parseId, parsePage, parsePositionPage, withSession,
  type PageArgs, type SubgraphContext,
} from '@chief/runtime';
import { assetKind, assetStatus, mediaAssets, mediaChunks, mediaPlatform, mediaTranscripts } from './models/index.ts';
import { ingestMediaAssets } from './domain/ingestMediaAssets.ts';
import { assetsUnder, chunksOf, listAssets, parseAssetFilter, transcriptOf } from './domain/mediaAssets.ts';

type Ctx = SubgraphContext;
type Asset = typeof mediaAssets.$inferSelect;
type MediaTranscript = typeof mediaTranscripts.$inferSelect;
type Chunk = typeof mediaChunks.$inferSelect;
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

/** A reference to an entity another subgraph owns; the gateway fetches its fields there. */
const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);
const seconds = (value: string | null) => (value === null ? null : Number(value));

const under =
  (parent: 'author' | 'founder') =>
  (entity: { id: string }, args: ListArgs, ctx: Ctx) =>
    assetsUnder(ctx, parent, entity.id, parsePage(args, ctx.config.maxPageSize), parseAssetFilter(args.filter));

export const mediaResolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  MediaPlatform: enumValues(mediaPlatform.enumValues),
  MediaKind: enumValues(assetKind.enumValues),
  MediaStatus: enumValues(assetStatus.enumValues),

  Query: {
    mediaAsset: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, mediaAssets, parseId(args.id));
      if (!row) throw notFound('MediaAsset', String(args.id));
      return row;
    },
    mediaAssets: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseAssetFilter(args.filter);
      return withSession(ctx, (session) => listAssets(session, page, filter));
    },
  },

  Mutation: {
    ingestMediaAssets: (_: unknown, args: Args, ctx: Ctx) =>
      ingestMediaAssets(ctx.session, args.items, args.syncJobId == null ? null : parseId(args.syncJobId, 'syncJobId')),
  },

  Subscription: {
    mediaAssetChanged: entityChanges<{ after?: string | null; id?: string | null }>({
      entity: 'media_asset',
      field: 'mediaAsset',
      load: async (ctx, id, args) => {
        const only = args.id == null ? null : parseId(args.id);
        const row = await loadById(ctx, mediaAssets, id);
        return row && (!only || row.id === only) ? row : null;
      },
    }),
  },

  IngestMediaAssetsResult: {
    results: (r: { results: { node: Asset | null }[] }) => r.results.map((item) => ({ ...item, mediaAsset: item.node })),
  },

  MediaAsset: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, mediaAssets, reference.id),
    founder: (a: Asset) => ref('Founder', a.founderId),
    author: (a: Asset) => (a.authorAddress ? { address: a.authorAddress, contact: ref('Contact', a.authorContactId), member: ref('Member', a.authorMemberId) } : null),
    transcript: (a: Asset, _: Args, ctx: Ctx) => transcriptOf(ctx, a.id),
  },

  MediaTranscript: {
    chunks: (t: MediaTranscript, args: PageArgs, ctx: Ctx) => chunksOf(ctx, t.id, parsePositionPage(args, ctx.config.maxPageSize)),
  },

  MediaChunk: {
    startSeconds: (c: Chunk) => seconds(c.startSeconds),
    endSeconds: (c: Chunk) => seconds(c.endSeconds),
  },

  // Entities owned by core: media resolves only the fields it adds.
  Contact: { __resolveReference: (r: { id: string }) => r, mediaAssets: under('author') },
  Founder: { __resolveReference: (r: { id: string }) => r, mediaAssets: under('founder') },
} as GraphQLResolverMap<Ctx>;
