import { type AnyColumn, type SQL, and, asc, desc, getTableColumns, gt, lte, sql } from 'drizzle-orm';
import { type AnyPgColumn, type PgTable, getTableConfig } from 'drizzle-orm/pg-core';
import type { InferSelectModel } from 'drizzle-orm';
import { withSession, type Database, type RequestSession } from './createRequestSession.ts';
import { byKey, groupByKey, type LoaderRegistry } from './LoaderRegistry.ts';
import { afterCursor, encodeSequenceCursor, parseFirst, parseSequenceCursor, toConnection, type Connection, type Page, type PageArgs } from './pagination.ts';
import { UUID_PATTERN } from './identity.ts';
import { badUserInput } from './errors.ts';

/** A tenant table as the list helpers need it: an id and a created_at string. */
type ListTable = PgTable & { id: AnyPgColumn; createdAt: AnyPgColumn };
type Row<T extends PgTable> = InferSelectModel<T>;

interface RequestScope {
  session: RequestSession;
  loaders: LoaderRegistry;
}

/** What the helpers need of a table, worked out once: drizzle rebuilds it on every call. */
interface TableReading {
  /** The name of the table's by-id loader (getTableConfig rebuilds indexes and policies too). */
  byIdLoader: string;
  /** A row as postgres.js returns it (by column name), read into the table's row (by property), values decoded. */
  read: (raw: Record<string, unknown>) => Record<string, unknown>;
  /** The row property of each column, by column name. */
  fieldOf: Map<string, string>;
  /** The columns a row is read with: all but the search index's (see rowColumns). */
  columns: Record<string, AnyPgColumn>;
}

/**
 * Search's own columns, which no resolver reads: a vector is 1536 numbers (some 19 kB as text)
 * and the words a long text is found by can be larger than the text.
 */
const SEARCH_INDEX_COLUMNS = new Set(['embedding', 'search_terms']);
const readings = new WeakMap<PgTable, TableReading>();

/**
 * How a table's rows are read as drizzle's select would, each column decoded as drizzle does
 * (timestamps to dates, say). drizzle's own mapping asks each cell what kind of field it is, and
 * through a subquery that takes walks up prototype chains: on a page of a hundred rows it cost
 * more than the statement.
 */
function reading(table: PgTable): TableReading {
  let found = readings.get(table);
  if (!found) {
    const { schema, name } = getTableConfig(table);
    const columns = Object.entries(getTableColumns(table))
      .filter(([, column]) => !SEARCH_INDEX_COLUMNS.has(column.name))
      .map(([key, column]) => ({ key, name: column.name, column }));
    found = {
      byIdLoader: `${schema}.${name}:byId`,
      read: (raw) => {
        const row: Record<string, unknown> = {};
        for (const { key, name: column, column: definition } of columns) {
          const value = raw[column];
          row[key] = value === null || value === undefined ? null : definition.mapFromDriverValue(value);
        }
        return row;
      },
      fieldOf: new Map(columns.map(({ key, name: column }) => [column, key])),
      columns: Object.fromEntries(columns.map(({ key, column }) => [key, column as AnyPgColumn])),
    };
    readings.set(table, found);
  }
  return found;
}

/**
 * A table's columns as rows are read (`db.select(rowColumns(t))`, `.returning(rowColumns(t))`):
 * every column but the search index's vector and words, which only search reads.
 */
export const rowColumns = <T extends PgTable>(table: T): T['_']['columns'] => reading(table).columns as T['_']['columns'];

/** Runs a select built by drizzle that returns `table`'s columns (and perhaps more), read as the table's rows. */
async function selectRows<T extends PgTable>(db: Database, query: { toSQL(): { sql: string; params: unknown[] } }, table: T): Promise<Row<T>[]> {
  const { sql: text, params } = query.toSQL();
  const raw = await db.$client.unsafe(text, params as never[]);
  return raw.map(reading(table).read) as Row<T>[];
}

/**
 * `column = any($1::uuid[])` for a batch of ids: one statement text whatever the batch's size, so
 * one prepared statement per query where `in ($1, ..., $n)` would make one per size. Strings that
 * are not UUIDs match no uuid column and are left out.
 */
export function anyUuid(column: AnyColumn | SQL, ids: Iterable<string>): SQL {
  return sql`${column} = any(${uuidArray(ids)}::uuid[])`;
}

/** A uuid[] literal to pass as one parameter; strings that are not UUIDs are left out. */
export const uuidArray = (ids: Iterable<string>) => `{${[...ids].filter((id) => UUID_PATTERN.test(id)).join(',')}}`;

/** A text[] literal to pass as one parameter, every element quoted (handles and ids may hold commas or quotes). */
export const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** A LIKE pattern that matches `value` anywhere, its own `%`, `_` and `\` taken literally. */
export const containsPattern = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * `(platform, external_id) in (...)` for a batch of natural keys, in one statement whatever the
 * batch's size (so the unique index on them serves it). `platformType` is the column's enum.
 */
export function naturalKeyIn(platform: AnyColumn, externalId: AnyColumn, platformType: string, keys: readonly { platform: string; externalId: string }[]): SQL {
  return sql`(${platform}, ${externalId}) in (select * from unnest(${textArray(keys.map((k) => k.platform))}::${sql.raw(platformType)}[], ${textArray(keys.map((k) => k.externalId))}::text[]))`;
}

/**
 * Loads a row by id through the request's DataLoader for that table: every id asked for in the
 * same tick (entity references, parent links) becomes one `where id = any($1::uuid[])` statement.
 * Rows that row-level security hides come back as null, exactly like missing ones.
 */
export function loadById<T extends ListTable>(scope: RequestScope, table: T, id: string): Promise<Row<T> | null> {
  if (!UUID_PATTERN.test(id)) return Promise.resolve(null);
  return scope.loaders
    .get<string, Row<T> | null>(reading(table as PgTable).byIdLoader, (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await selectRows(db, db.select(rowColumns(table as PgTable)).from(table as PgTable).where(anyUuid(table.id, ids)), table);
        return byKey(ids, rows, (row) => (row as { id: string }).id);
      }),
    )
    .load(id.toLowerCase());
}

/**
 * Loads the row whose `column` (unique: a meeting's transcript by meeting id) is `value`, through
 * the request's DataLoader for that column: one statement for every value asked for in the same tick.
 */
export function loadOneBy<T extends ListTable>(scope: RequestScope, table: T, column: AnyPgColumn, value: string): Promise<Row<T> | null> {
  if (!UUID_PATTERN.test(value)) return Promise.resolve(null);
  const { byIdLoader, fieldOf } = reading(table as PgTable);
  const field = fieldOf.get(column.name)!;
  return scope.loaders
    .get<string, Row<T> | null>(`${byIdLoader}:${column.name}`, (values) =>
      withSession(scope, async ({ db }) => {
        const rows = await selectRows(db, db.select(rowColumns(table as PgTable)).from(table as PgTable).where(anyUuid(column, values)), table);
        return byKey(values, rows, (row) => (row as Record<string, string>)[field]!);
      }),
    )
    .load(value.toLowerCase());
}

/**
 * The instant a list is ordered by, newest first: created_at unless given (an inbox orders by
 * received_at). A timestamp column in string mode, so cursors keep Postgres' microseconds.
 */
type SortColumn = AnyPgColumn;

const sortFieldOf = (table: PgTable, column: SortColumn) => reading(table).fieldOf.get(column.name) ?? column.name;

/** One page of a table, newest first, by keyset. */
export async function listPage<T extends ListTable>(db: Database, table: T, where: SQL | undefined, page: Page, sortBy: SortColumn = table.createdAt): Promise<Connection<Row<T>>> {
  const query = db
    .select(rowColumns(table as PgTable))
    .from(table as PgTable)
    .where(and(where, afterCursor(sortBy, table.id, page)))
    .orderBy(desc(sortBy), desc(table.id))
    .limit(page.limit + 1);
  const rows = (await selectRows(db, query, table)) as (Row<T> & { id: string })[];
  return toConnection(rows, page, sortFieldOf(table as PgTable, sortBy)) as Connection<Row<T>>;
}

/**
 * The same page for many parents at once (e.g. the tasks of 50 contacts): one statement that
 * numbers rows per parent and keeps the first `limit + 1` of each.
 */
export function listPagesByParent<T extends ListTable>(
  db: Database,
  table: T,
  parentColumn: AnyPgColumn,
  parentIds: readonly string[],
  where: SQL | undefined,
  page: Page,
  sortBy: SortColumn = table.createdAt,
): Promise<Connection<Row<T>>[]> {
  return pagesPerParent(db, table, { parent: sql`${parentColumn}`, matching: anyUuid(parentColumn, parentIds) }, parentIds, where, page, sortBy);
}

/**
 * The same page for many parents held in an array column (e.g. the communications of 50
 * contacts, each naming its contacts in `contact_ids`): the array is unnested, so a row is in the
 * page of each parent it names.
 */
export function listPagesByArrayParent<T extends ListTable>(
  db: Database,
  table: T,
  parentsColumn: AnyPgColumn,
  parentIds: readonly string[],
  where: SQL | undefined,
  page: Page,
  sortBy: SortColumn = table.createdAt,
): Promise<Connection<Row<T>>[]> {
  const parent = sql`parent.id`;
  return pagesPerParent(db, table, {
    parent,
    join: { with: sql`lateral unnest(${parentsColumn}) as parent(id)`, on: anyUuid(parent, parentIds) },
    // The overlap lets the array's GIN index find the rows; the join then splits them by parent.
    matching: sql`${parentsColumn} && ${uuidArray(parentIds)}::uuid[]`,
  }, parentIds, where, page, sortBy);
}

/** What both list-by-parent helpers share: number the matching rows per parent, keep `limit + 1` of each, group them. */
async function pagesPerParent<T extends ListTable>(
  db: Database,
  table: T,
  by: { parent: SQL; matching: SQL; join?: { with: SQL | PgTable; on: SQL } },
  parentIds: readonly string[],
  where: SQL | undefined,
  page: Page,
  sortBy: SortColumn,
): Promise<Connection<Row<T>>[]> {
  const position = sql<number>`row_number() over (partition by ${by.parent} order by ${sortBy} desc, ${table.id} desc)`.as('position');
  const rows = db.select({ ...rowColumns(table as PgTable), parentId: sql<string>`${by.parent}`.as('parent_id'), position }).from(table as PgTable);
  const joined = by.join ? rows.innerJoin(by.join.with, by.join.on) : rows;
  const numbered = joined.where(and(by.matching, where, afterCursor(sortBy, table.id, page))).as('numbered');
  const query = db.select().from(numbered).where(lte(numbered.position, page.limit + 1)).orderBy(numbered.position);
  const { sql: text, params } = query.toSQL();
  const raw = await db.$client.unsafe(text, params as never[]);
  const { read } = reading(table as PgTable);
  const found = raw.map((r) => ({ parentId: r.parent_id as string, row: read(r) as Row<T> & { id: string } }));
  const sortField = sortFieldOf(table as PgTable, sortBy);
  return groupByKey(parentIds, found, (r) => r.parentId).map((group) => toConnection(group.map((r) => r.row), page, sortField) as Connection<Row<T>>);
}

/**
 * The first `limit` rows of each parent in a ranking of the caller's own (a founder's unread mail
 * by urgency, then newest), for many parents in one statement: a short list, not a page, where
 * the order is not a keyset (the morning brief's sections).
 */
export async function topRowsPerParent<T extends PgTable>(
  db: Database,
  table: T,
  parentColumn: AnyPgColumn,
  parentIds: readonly string[],
  where: SQL | undefined,
  orderBy: SQL[],
  limit: number,
): Promise<Row<T>[][]> {
  const rank = sql<number>`row_number() over (partition by ${parentColumn} order by ${sql.join(orderBy, sql`, `)})`.as('rank');
  const ranked = db
    .select({ ...rowColumns(table as PgTable), rank })
    .from(table as PgTable)
    .where(and(anyUuid(parentColumn, parentIds), where))
    .as('ranked');
  const query = db.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(asc(ranked.rank));
  const { sql: text, params } = query.toSQL();
  const raw = await db.$client.unsafe(text, params as never[]);
  const { read, fieldOf } = reading(table as PgTable);
  const parentField = fieldOf.get(parentColumn.name)!;
  const rows = raw.map((r) => read(r) as Row<T>);
  return groupByKey(parentIds, rows, (r) => (r as Record<string, string>)[parentField]!);
}

/** A page of a list kept in its own order (a transcript's chunks by position): `after` is the last position seen. */
export interface PositionPage {
  limit: number;
  after: number | null;
}

/** Validates `first`/`after` of a list in position order at the edge. */
export function parsePositionPage(args: PageArgs, maxPageSize: number): PositionPage {
  const after = args.after ? Number(parseSequenceCursor(args.after)) : null;
  // Positions are int4: a larger one (another list's cursor) is not one of this list's.
  if (after !== null && after > 2 ** 31 - 1) throw badUserInput('after', 'after is not a cursor returned by this list');
  return { limit: parseFirst(args.first, maxPageSize), after };
}

/**
 * The same page, in position order, for many parents at once (the chunks of 20 transcripts): one
 * statement that numbers rows per parent and keeps the first `limit + 1` of each. Cursors are
 * positions (sequence cursors).
 */
export async function listPositionPages<T extends PgTable & { id: AnyPgColumn }>(
  db: Database,
  table: T,
  parentColumn: AnyPgColumn,
  positionColumn: AnyPgColumn,
  parentIds: readonly string[],
  page: PositionPage,
): Promise<Connection<Row<T>>[]> {
  const position = sql<number>`row_number() over (partition by ${parentColumn} order by ${positionColumn})`.as('rank');
  const numbered = db
    .select({ ...rowColumns(table as PgTable), rank: position })
    .from(table as PgTable)
    .where(and(anyUuid(parentColumn, parentIds), page.after === null ? undefined : gt(positionColumn, page.after)))
    .as('numbered');
  const query = db.select().from(numbered).where(lte(numbered.rank, page.limit + 1)).orderBy(asc(numbered.rank));
  const { sql: text, params } = query.toSQL();
  const raw = await db.$client.unsafe(text, params as never[]);
  const { read, fieldOf } = reading(table as PgTable);
  const parentField = fieldOf.get(parentColumn.name)!;
  const positionField = fieldOf.get(positionColumn.name)!;
  const rows = raw.map((r) => read(r) as Row<T>);
  return groupByKey(parentIds, rows, (r) => (r as Record<string, string>)[parentField]!).map((group) => {
    const nodes = group.slice(0, page.limit);
    const cursorOf = (node: Row<T>) => encodeSequenceCursor(String((node as Record<string, number>)[positionField]));
    return {
      edges: nodes.map((node) => ({ node, cursor: cursorOf(node) })),
      pageInfo: {
        hasNextPage: group.length > page.limit,
        hasPreviousPage: page.after !== null,
        startCursor: nodes[0] ? cursorOf(nodes[0]) : null,
        endCursor: nodes.length ? cursorOf(nodes.at(-1)!) : null,
      },
    };
  });
}

/** One parent's page of a list in position order, batched with every parent asked for with the same page (listPositionPages). */
export function loadPositionPage<T extends PgTable & { id: AnyPgColumn }>(
  scope: RequestScope,
  table: T,
  parentColumn: AnyPgColumn,
  positionColumn: AnyPgColumn,
  parentId: string,
  page: PositionPage,
): Promise<Connection<Row<T>>> {
  return scope.loaders
    .get<string, Connection<Row<T>>>(`${reading(table).byIdLoader}:${parentColumn.name}:${JSON.stringify(page)}`, (ids) =>
      withSession(scope, ({ db }) => listPositionPages(db, table, parentColumn, positionColumn, ids, page)),
    )
    .load(parentId);
}

/**
 * The same page for many parents linked through another table (the meetings of 50 contacts,
 * through participants): a row is in the page of each parent a link row names.
 */
export function listPagesThroughLink<T extends ListTable>(
  db: Database,
  table: T,
  link: { table: PgTable; parentColumn: AnyPgColumn; childColumn: AnyPgColumn },
  parentIds: readonly string[],
  where: SQL | undefined,
  page: Page,
  sortBy: SortColumn = table.createdAt,
): Promise<Connection<Row<T>>[]> {
  return pagesPerParent(db, table, {
    parent: sql`${link.parentColumn}`,
    join: { with: link.table, on: sql`${link.childColumn} = ${table.id}` },
    matching: anyUuid(link.parentColumn, parentIds),
  }, parentIds, where, page, sortBy);
}

/** Maps GraphQL enum names (CLOSED_WON) to the database's values (closed_won). */
export function enumValues(values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value) => [value.toUpperCase(), value]));
}
