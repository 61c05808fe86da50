import { badUserInput } from './errors.ts';
import { withSession, type Database, type RequestSession } from './createRequestSession.ts';
import type { LoaderRegistry } from './LoaderRegistry.ts';

/**
 * The morning brief (seed 000's Pattern 1) is one entity, `MorningBrief @key(fields: "founderId
 * asOf")`, that intel owns and each domain adds its section to: comms the unread communications,
 * meetings the upcoming meetings, work the tasks due, intel the insights. `asOf` is the instant
 * every section's window is measured from, so the sections agree with each other.
 */
export interface MorningBriefKey {
  founderId: string;
  asOf: string;
}

/** The most items a section lists. */
export const MAX_BRIEF_ITEMS = 50;

interface Scope {
  session: RequestSession;
  loaders: LoaderRegistry;
}

const instants = new WeakMap<LoaderRegistry, string>();

/** One instant per request, so every brief a request asks for shares it, and so one statement per section. */
export function briefInstant(scope: Scope): string {
  let at = instants.get(scope.loaders);
  if (!at) instants.set(scope.loaders, (at = new Date().toISOString()));
  return at;
}

export interface BriefWindow {
  /** The window's length, in the section's unit. */
  within: number;
  first: number;
}

/** Validates a section's window (`withinHours` or `withinDays`) and size at the edge. */
export function parseBriefWindow(args: Record<string, unknown>, name: 'withinHours' | 'withinDays', max: number, fallback: BriefWindow): BriefWindow {
  const within = args[name] ?? fallback.within;
  const first = args.first ?? fallback.first;
  if (typeof within !== 'number' || !Number.isInteger(within) || within < 1 || within > max) throw badUserInput(name, `${name} must be a whole number from 1 to ${max}`);
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_BRIEF_ITEMS) throw badUserInput('first', `first must be from 1 to ${MAX_BRIEF_ITEMS}`);
  return { within, first };
}

/** A brief's key as a subgraph receives it in a representation; a malformed one is refused. */
export function parseBriefKey(brief: { founderId?: unknown; asOf?: unknown }): { founderId: string; asOf: Date } {
  const asOf = typeof brief.asOf === 'string' ? new Date(brief.asOf) : brief.asOf instanceof Date ? brief.asOf : null;
  if (!asOf || Number.isNaN(asOf.getTime())) throw badUserInput('asOf', 'asOf must be an instant');
  if (typeof brief.founderId !== 'string') throw badUserInput('founderId', 'founderId must be an id');
  return { founderId: brief.founderId, asOf };
}

/**
 * One section of a founder's brief, batched: every brief of the request with the same instant and
 * window shares one statement (`run` gets the founders and answers their lists in that order).
 */
export function briefSection<T>(
  scope: Scope,
  section: string,
  brief: { founderId?: unknown; asOf?: unknown },
  window: BriefWindow,
  run: (db: Database, founderIds: readonly string[], asOf: Date) => Promise<T[][]>,
): Promise<T[]> {
  const { founderId, asOf } = parseBriefKey(brief);
  return scope.loaders
    .get<string, T[]>(`brief:${section}:${asOf.toISOString()}:${window.within}:${window.first}`, (ids) => withSession(scope, ({ db }) => run(db, ids, asOf)))
    .load(founderId);
}
