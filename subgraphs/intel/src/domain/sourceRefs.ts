import { z } from 'zod';
import { MAX_EVENT_PARTS, notFound, uuidArray, textArray, type EventLink, type Session } from '@chief/runtime';
import { sourceType, type SourceRef } from '../models/index.ts';

/** A reference as input: the entity's kind and id. */
export const sourceRefInput = z.object({ type: z.enum(sourceType.enumValues), id: z.uuid('must be an id') });

/** Where each kind of entity lives: the owning domain's table. */
const TABLES: Record<SourceRef['type'], string> = {
  communication: 'comms.communications',
  meeting: 'meetings.meetings',
  task: 'work.tasks',
  contact: 'core.contacts',
  media_asset: 'media.media_assets',
  insight: 'intel.insights',
};

const exists = Object.entries(TABLES)
  .map(([type, table]) => `when '${type}' then exists (select 1 from ${table} x where x.id = r.id)`)
  .join(' ');

/**
 * Refuses references to entities the caller cannot see (absent, or another workspace's), naming
 * the first input field at fault. One statement whatever the number, read through the caller's own
 * row-level security in each owning domain's table: intel only asks whether they exist.
 */
export async function refuseMissingSources(session: Session, refs: readonly { ref: SourceRef; field: string }[]): Promise<void> {
  if (!refs.length) return;
  const missing = await session.sql.unsafe<{ i: string }[]>(
    `select r.i::int - 1 as i from unnest($1::text[], $2::uuid[]) with ordinality as r(type, id, i)
      where not (case r.type ${exists} else false end) order by r.i limit 1`,
    [textArray(refs.map((r) => r.ref.type)), uuidArray(refs.map((r) => r.ref.id))],
  );
  if (!missing.length) return;
  const { ref, field } = refs[Number(missing[0]!.i)]!;
  throw notFound(ref.type, ref.id, { field, message: `${field}: no such ${ref.type.replace('_', ' ')} in this workspace` });
}

/** The same references once each, in first-seen order. */
export const distinctRefs = (refs: readonly SourceRef[]): SourceRef[] => [...new Map(refs.map((r) => [`${r.type}:${r.id}`, r])).values()];

/** Event links to what a change rests on, as many as an event carries beside its own entity. */
export const linksTo = (refs: readonly SourceRef[], linkType: EventLink['linkType']): EventLink[] =>
  refs.slice(0, MAX_EVENT_PARTS - 1).map((r) => ({ linkType, entityType: r.type, entityId: r.id }));

/** A reference as GraphQL resolves it: the entity from its owning subgraph. */
const TYPENAMES: Record<SourceRef['type'], string> = {
  communication: 'Communication', meeting: 'Meeting', task: 'Task', contact: 'Contact', media_asset: 'MediaAsset', insight: 'Insight',
};
export const sourceNode = (ref: SourceRef) => ({ type: ref.type, id: ref.id, node: { __typename: TYPENAMES[ref.type], id: ref.id } });
