import { and, asc, desc, inArray, isNotNull, sql } from 'drizzle-orm';
import { briefSection, parseBriefWindow, topRowsPerParent, type LoaderRegistry, type MorningBriefKey, type RequestSession } from '@chief/runtime';
import { tasks } from '../models/index.ts';

const HOUR_MS = 3_600_000;

/** Seed 000's tasks due: the founder's open tasks due within `withinHours` (72) or overdue, soonest due then highest priority first (15). */
export function briefDueTasks(scope: { session: RequestSession; loaders: LoaderRegistry }, brief: MorningBriefKey, args: Record<string, unknown>) {
  const window = parseBriefWindow(args, 'withinHours', 720, { within: 72, first: 15 });
  return briefSection(scope, 'work.due', brief, window, (db, founderIds, asOf) =>
    topRowsPerParent(
      db, tasks, tasks.founderId, founderIds,
      and(
        inArray(tasks.status, ['todo', 'in_progress']),
        isNotNull(tasks.dueAt),
        sql`${tasks.dueAt} <= ${new Date(asOf.getTime() + window.within * HOUR_MS).toISOString()}::timestamptz`,
      ),
      [asc(tasks.dueAt), desc(tasks.priority), asc(tasks.id)],
      window.first,
    ),
  );
}
