import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type postgres from 'postgres';
import { connectPostgres } from './createSqlClient.ts';

export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

// Any fixed number works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK = 4_242_001;

// Statements outside a transaction use the simple protocol (`unsafe` without parameters), which
// the embedded server's connection multiplexing keeps whole.
/**
 * Applies the committed migrations that have not run yet (tracked in drizzle.__drizzle_migrations).
 * Several services may start at once, so they take turns under an advisory lock held on the one
 * connection that migrates.
 */
export async function runMigrations(url: string): Promise<{ applied: number }> {
  const sql = connectPostgres(url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    await sql.unsafe(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    const before = await countApplied(sql);
    await migrate(drizzle({ client: sql }), { migrationsFolder });
    const after = await countApplied(sql);
    await sql.unsafe(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    return { applied: after - before };
  } finally {
    await sql.end();
  }
}

async function countApplied(sql: postgres.Sql): Promise<number> {
  const [table] = await sql.unsafe<{ exists: boolean }[]>(`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`);
  if (!table?.exists) return 0;
  const [row] = await sql.unsafe<{ n: number }[]>('select count(*)::int as n from drizzle.__drizzle_migrations');
  return row?.n ?? 0;
}
