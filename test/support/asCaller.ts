import { randomUUID } from 'node:crypto';
import { callerSettings, type Identity } from '@chief/runtime';
import { literal, type OwnerSql } from './databaseOwner.ts';

/** Whom a statement runs as: the claims RequestSession sets for people, API keys and background work. */
export type Caller =
  | { kind: 'user'; userId: string; workspaceId: string | null }
  | { kind: 'apiKey'; apiKeyId: string; workspaceId: string }
  | { kind: 'service'; workspaceId: string | null };

function identityOf(caller: Caller): Identity {
  if (caller.kind === 'apiKey') return { kind: 'apiKey', userId: null, workspaceId: caller.workspaceId, scopes: [], apiKeyId: caller.apiKeyId };
  return { kind: caller.kind, userId: caller.kind === 'user' ? caller.userId : null, workspaceId: caller.workspaceId, scopes: [] };
}

/** Rows a statement touched (and returned), or the SQLSTATE it was refused with. */
export type Outcome = { rows: number; data: Record<string, unknown>[] } | { error: string };

const ROLLBACK = Symbol('rollback');

/**
 * Runs statements in one transaction under the caller's database role and claims, exactly as
 * a request would, and rolls it back: each probe starts from the same rows. The outcome is that
 * of the last statement.
 */
export async function asCaller(sql: OwnerSql, caller: Caller, ...statements: string[]): Promise<Outcome> {
  let outcome: Outcome = { rows: 0, data: [] };
  try {
    await sql.begin(async (tx) => {
      // The very settings a request's session makes, from the same function.
      const settings = callerSettings(identityOf(caller));
      await tx.unsafe(`select ${settings.map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`).join(', ')}`);
      for (const statement of statements) {
        const result = await tx.unsafe(statement);
        outcome = { rows: result.count, data: [...result] };
      }
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) return { error: (error as { code?: string }).code ?? String(error) };
  }
  return outcome;
}

/** True when the statement changed (or, for a select, saw) at least one row. */
export const touched = (outcome: Outcome) => 'rows' in outcome && outcome.rows > 0;

/** True when row-level security refused the statement outright (a WITH CHECK or a missing grant). */
export const refused = (outcome: Outcome) => 'error' in outcome && outcome.error === '42501';

/** Tables of one Postgres schema (a domain), from the catalog. */
export async function tablesIn(sql: OwnerSql, schema: string): Promise<string[]> {
  const rows = await sql.unsafe(`select schemaname || '.' || tablename as name from pg_tables where schemaname = ${literal(schema)} order by 1`);
  return rows.map((r) => r.name as string);
}

/** Tables of one schema that have the given column, from the catalog. */
export async function tablesWithColumn(sql: OwnerSql, schema: string, column: string): Promise<string[]> {
  const rows = await sql.unsafe(
    `select table_schema || '.' || table_name as name from information_schema.columns
      where table_schema = ${literal(schema)} and column_name = ${literal(column)} order by 1`,
  );
  return rows.map((r) => r.name as string);
}

/**
 * An INSERT that copies one existing row (picked by `where`, read as the owner) under a new id,
 * with some columns replaced: a catalog-driven way to try writing "the same kind of row" into any
 * table. Row-level security is checked before unique constraints, so a refusal is 42501 even
 * where the copy would also collide.
 */
export async function copyRowStatement(sql: OwnerSql, table: string, where: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const [sample] = await sql.unsafe(`select row_to_json(t)::text as row from ${table} t where ${where} limit 1`);
  if (!sample) throw new Error(`no row of ${table} where ${where}`);
  const row = { ...(JSON.parse(sample.row as string) as Record<string, unknown>), ...overrides };
  if ('id' in row && !('id' in overrides) && table !== 'core.workspaces') row.id = randomUUID();
  if (table === 'core.workspaces') Object.assign(row, { id: randomUUID(), slug: `copy-${randomUUID().slice(0, 8)}` });
  const columns = await sql.unsafe(
    `select column_name from information_schema.columns
      where table_schema || '.' || table_name = ${literal(table)} and is_identity = 'NO' and is_generated = 'NEVER'`,
  );
  const list = columns.map((c) => `"${c.column_name}"`).join(', ');
  return `insert into ${table} (${list}) select ${list} from json_populate_record(null::${table}, ${literal(JSON.stringify(row))}::json)`;
}

/** The tenant column of a table: the workspace's own id for core.workspaces, workspace_id elsewhere. */
export const tenantColumn = (table: string) => (table === 'core.workspaces' ? 'id' : 'workspace_id');
