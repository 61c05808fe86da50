import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { badUserInput } from './errors.ts';
import { isCalendarDate } from './calendar.ts';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  limit: number;
  after: { createdAt: string; id: string } | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const DEFAULT_PAGE_SIZE = 20;

/** Cursors are opaque to clients: base64url of the row's exact created_at and id. */
export const encodeCursor = (row: { createdAt: string; id: string }) => Buffer.from(`${row.createdAt}|${row.id}`).toString('base64url');

// Exactly what encodeCursor writes: Postgres' text form of a timestamptz, then the row's id.
const CURSOR =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2}) (?<hour>\d{2}):(?<minute>[0-5]\d):(?<second>[0-5]\d)(\.\d{1,6})?[+-](?<offset>\d{2})(:[0-5]\d){0,2}\|(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Decodes and checks a cursor at the edge: a real calendar instant Postgres can read (no
 * 30 February, no year 0 or 275760, an offset within Postgres' range) and a UUID, so a forged
 * cursor is BAD_USER_INPUT on `after` and never reaches the database.
 */
export function parseCursor(cursor: string): NonNullable<Page['after']> {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = CURSOR.exec(text)?.groups;
  const [year, month, day, hour, offset] = ['year', 'month', 'day', 'hour', 'offset'].map((name) => Number(parts?.[name]));
  const valid = parts && isCalendarDate(year!, month!, day!) && hour! <= 23 && offset! <= 15;
  if (!valid) throw badUserInput('after', 'after is not a cursor returned by this list');
  return { createdAt: text.slice(0, text.indexOf('|')), id: parts.id!.toLowerCase() };
}

/** Cursors of lists kept in log order (the event log): base64url of `#<sequence number>`. */
export const encodeSequenceCursor = (sequence: string) => Buffer.from(`#${sequence}`).toString('base64url');

/** Decodes a sequence cursor at the edge; anything else is BAD_USER_INPUT on `after`. */
export function parseSequenceCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^#\d{1,18}$/.test(text)) throw badUserInput('after', 'after is not a cursor returned by this list');
  return text.slice(1);
}

/** Whether `cursor` is one of Chief's cursors (a keyset or a sequence one): what the gateway checks before any subgraph runs. */
export function isCursor(cursor: string): boolean {
  for (const parse of [parseCursor, parseSequenceCursor]) {
    try {
      parse(cursor);
      return true;
    } catch {
      // the other form, perhaps
    }
  }
  return false;
}

/** Validates `first` at the edge: a whole number from 0 to MAX_PAGE_SIZE, the lists' default when left out. */
export function parseFirst(first: number | null | undefined, maxPageSize: number): number {
  const value = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 0) throw badUserInput('first', 'first must be a non-negative integer');
  if (value > maxPageSize) throw badUserInput('first', `first must be at most ${maxPageSize}`);
  return value;
}

/** Validates `first`/`after` at the edge; the page size is capped by MAX_PAGE_SIZE. */
export function parsePage(args: PageArgs, maxPageSize: number): Page {
  return { limit: parseFirst(args.first, maxPageSize), after: args.after ? parseCursor(args.after) : null };
}

/**
 * Keyset predicate for lists ordered by (an instant desc, id desc), created_at unless the list
 * says otherwise: rows strictly after the cursor. Stable under inserts, and an index range scan rather than an OFFSET.
 */
export function afterCursor(createdAt: AnyColumn, id: AnyColumn, page: Page): SQL | undefined {
  if (!page.after) return undefined;
  return sql`(${createdAt}, ${id}) < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`;
}

/**
 * Builds a connection from up to `limit + 1` rows in list order. `sortField` is the row's
 * instant the list is ordered by (created_at unless a list says otherwise, e.g. an inbox by
 * received_at), kept as Postgres' exact text so the cursor is exact.
 */
export function toConnection<T extends { id: string }>(rows: T[], page: Page, sortField = 'createdAt'): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const cursorOf = (node: T) => encodeCursor({ createdAt: (node as Record<string, unknown>)[sortField] as string, id: node.id });
  // A cursor is made only when asked for: most pages are read for their nodes.
  const edges = nodes.map((node) => ({
    node,
    get cursor() {
      return cursorOf(node);
    },
  }));
  const [first, last] = [nodes[0], nodes.at(-1)];
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      hasPreviousPage: page.after !== null,
      startCursor: first ? cursorOf(first) : null,
      endCursor: last ? cursorOf(last) : null,
    },
  };
}
