import { and, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  containsPattern, listPage, listPagesByParent, loadOneBy, loadPositionPage, parseInput, withSession,
  type Connection, type LoaderRegistry, type Page, type PositionPage, type RequestSession, type Session,
} from '@chief/runtime';
import { assetKind, assetStatus, mediaAssets, mediaChunks, mediaPlatform, mediaTranscripts } from '../models/index.ts';

type Asset = typeof mediaAssets.$inferSelect;
type MediaTranscript = typeof mediaTranscripts.$inferSelect;
type Chunk = typeof mediaChunks.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const assetFilter = z
  .object({
    platform: z.array(z.enum(mediaPlatform.enumValues)).nullish(),
    kind: z.array(z.enum(assetKind.enumValues)).nullish(),
    status: z.array(z.enum(assetStatus.enumValues)).nullish(),
    recordedAfter: z.date().nullish(),
    recordedBefore: z.date().nullish(),
    founderId: z.uuid('must be an id').nullish(),
    text: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  })
  .nullish();

export type AssetFilter = z.infer<typeof assetFilter>;

/** Validates a media filter at the edge, before any statement runs. */
export const parseAssetFilter = (raw: unknown): AssetFilter => parseInput(assetFilter, raw, 'filter');

function filterSql(filter: AssetFilter): SQL | undefined {
  const f = filter ?? {};
  const pattern = f.text ? containsPattern(f.text) : null;
  return and(
    f.platform?.length ? inArray(mediaAssets.platform, f.platform) : undefined,
    f.kind?.length ? inArray(mediaAssets.kind, f.kind) : undefined,
    f.status?.length ? inArray(mediaAssets.status, f.status) : undefined,
    f.recordedAfter ? sql`${mediaAssets.recordedAt} >= ${f.recordedAfter.toISOString()}::timestamptz` : undefined,
    f.recordedBefore ? sql`${mediaAssets.recordedAt} < ${f.recordedBefore.toISOString()}::timestamptz` : undefined,
    f.founderId ? sql`${mediaAssets.founderId} = ${f.founderId}` : undefined,
    pattern ? or(ilike(mediaAssets.title, pattern), ilike(mediaAssets.description, pattern)) : undefined,
  );
}

/** The workspace's media, latest recorded first. */
export const listAssets = (session: Session, page: Page, filter: AssetFilter) => listPage(session.db, mediaAssets, filterSql(filter), page, mediaAssets.recordedAt);

/** The media a contact made, or on a founder's shelf, latest recorded first, batched across parents. */
export function assetsUnder(scope: Scope, parent: 'author' | 'founder', parentId: string, page: Page, filter: AssetFilter): Promise<Connection<Asset>> {
  const column = parent === 'author' ? mediaAssets.authorContactId : mediaAssets.founderId;
  return scope.loaders
    .get<string, Connection<Asset>>(`media.media_assets:${parent}:${JSON.stringify([page, filter])}`, (ids) =>
      withSession(scope, ({ db }) => listPagesByParent(db, mediaAssets, column, ids, filterSql(filter), page, mediaAssets.recordedAt)),
    )
    .load(parentId);
}

/** An asset's transcript, if it has one, batched across the request. */
export const transcriptOf = (scope: Scope, mediaId: string): Promise<MediaTranscript | null> => loadOneBy(scope, mediaTranscripts, mediaTranscripts.mediaId, mediaId);

/** A page of a transcript's chunks in order, batched: every transcript asked for with the same page shares one statement. */
export const chunksOf = (scope: Scope, transcriptId: string, page: PositionPage): Promise<Connection<Chunk>> =>
  loadPositionPage(scope, mediaChunks, mediaChunks.mediaTranscriptId, mediaChunks.position, transcriptId, page);
