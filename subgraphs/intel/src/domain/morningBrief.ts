import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import {
  briefInstant, briefSection, notFound, parseBriefWindow, parseId, topRowsPerParent, uuidArray, withSession,
  type LoaderRegistry, type MorningBriefKey, type RequestSession,
} from '@chief/runtime';
import { insights } from '../models/index.ts';

type Scope = { session: RequestSession; loaders: LoaderRegistry };

/** Whether the caller can see the founder: core's row, read through the caller's row-level security, batched. */
function founderVisible(scope: Scope, founderId: string): Promise<boolean> {
  return scope.loaders
    .get<string, boolean>('intel.visibleFounders', (ids) =>
      withSession(scope, async ({ sql: client }) => {
        const rows = await client.unsafe<{ id: string }[]>('select f.id from core.founders f where f.id = any($1::uuid[])', [uuidArray(ids)]);
        const seen = new Set(rows.map((r) => r.id));
        return ids.map((id) => seen.has(id));
      }),
    )
    .load(founderId);
}

/** `morningBrief(founderId)`: the brief of a founder the caller can see, as of this request. */
export async function morningBriefOf(scope: Scope, rawFounderId: unknown): Promise<MorningBriefKey> {
  const founderId = parseId(rawFounderId, 'founderId');
  if (!(await founderVisible(scope, founderId))) throw notFound('Founder', founderId, { field: 'founderId', message: `founderId: no such founder in this workspace` });
  return { founderId, asOf: briefInstant(scope) };
}

const DAY_MS = 86_400_000;

/** Seed 000's recent insights: active, of the last `withinDays` (7), not past their expiry, most confident and then most impactful first (10). */
export function briefInsights(scope: Scope, brief: MorningBriefKey, args: Record<string, unknown>) {
  const window = parseBriefWindow(args, 'withinDays', 90, { within: 7, first: 10 });
  return briefSection(scope, 'insights', brief, window, (db, founderIds, asOf) => {
    const since = new Date(asOf.getTime() - window.within * DAY_MS).toISOString();
    return topRowsPerParent(
      db, insights, insights.founderId, founderIds,
      and(
        eq(insights.status, 'active'),
        sql`${insights.createdAt} >= ${since}::timestamptz`,
        or(isNull(insights.expiresAt), sql`${insights.expiresAt} > ${asOf.toISOString()}::timestamptz`),
      ),
      [desc(insights.confidence), desc(insights.impactScore), desc(insights.createdAt), desc(insights.id)],
      window.first,
    );
  });
}
