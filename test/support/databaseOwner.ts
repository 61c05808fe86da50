import { inject } from 'vitest';
import { connectPostgres } from '@chief/db';

/**
 * A connection as the database owner, which row-level security does not apply to: what a test
 * uses to see every workspace's rows and to act as the application role with chosen claims.
 * Simple-protocol statements only, so it also works against the embedded server.
 */
export function connectAsOwner() {
  return connectPostgres(inject('databaseUrl'), { max: 2, prepare: false, fetch_types: false, onnotice: () => {} });
}

export type OwnerSql = ReturnType<typeof connectAsOwner>;

/** Every table of Chief's domain schemas, as `schema.table`, read from the catalog. */
export async function listDomainTables(sql: OwnerSql): Promise<string[]> {
  const rows = await sql.unsafe(
    `select schemaname || '.' || tablename as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema', 'drizzle', 'auth', 'pgboss')
      order by 1`,
  );
  return rows.map((r) => r.name as string);
}

/** Every domain table with its tenant column: `workspace_id`, or the workspace's own id ('' if none). */
export async function tenantTables(sql: OwnerSql): Promise<Map<string, string>> {
  const tables = await listDomainTables(sql);
  const rows = await sql.unsafe(
    `select table_schema || '.' || table_name as name from information_schema.columns where column_name = 'workspace_id'`,
  );
  const withColumn = new Set(rows.map((r) => r.name as string));
  return new Map(tables.map((t) => [t, withColumn.has(t) ? 'workspace_id' : t === 'core.workspaces' ? 'id' : '']));
}

/** A digest of every row a workspace has, in every table. */
export async function fingerprint(sql: OwnerSql, tables: Map<string, string>, workspaceId: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const [table, column] of tables) {
    const [row] = await sql.unsafe(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h from ${table} t where ${column} = ${literal(workspaceId)}`,
    );
    digest[table] = `${row!.n}:${row!.h}`;
  }
  return digest;
}

/** A literal for simple-protocol SQL. */
export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
