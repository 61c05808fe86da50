import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { badUserInput } from './errors.ts';

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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursors are opaque to clients: base64url of the row's exact created_at and id. */
export const encodeCursor = (row: { createdAt: string; id: string }) => Buffer.from(`${row.createdAt}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): Page['after'] {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || rest.length || !UUID.test(id) || Number.isNaN(Date.parse(createdAt.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))))
    throw badUserInput('after', 'after is not a cursor returned by this list');
  return { createdAt, id };
}

/** Validates `first`/`after` at the edge; the page size is capped by MAX_PAGE_SIZE. */
export function parsePage(args: PageArgs, maxPageSize: number): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw badUserInput('first', 'first must be a non-negative integer');
  if (first > maxPageSize) throw badUserInput('first', `first must be at most ${maxPageSize}`);
  return { limit: first, after: args.after ? decodeCursor(args.after) : null };
}

/**
 * Keyset predicate for lists ordered by (created_at desc, id desc): rows strictly after the
 * cursor. Stable under inserts, and an index range scan rather than an OFFSET.
 */
export function afterCursor(createdAt: AnyColumn, id: AnyColumn, page: Page): SQL | undefined {
  if (!page.after) return undefined;
  return sql`(${createdAt}, ${id}) < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`;
}

/** Builds a connection from up to `limit + 1` rows in list order. */
export function toConnection<T extends { createdAt: string; id: string }>(rows: T[], page: Page): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
