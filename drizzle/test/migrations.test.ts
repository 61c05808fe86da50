import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { connectPostgres, migrationsFolder, runMigrations } from '@chief/db';
import drizzleConfig from '../drizzle.config.ts';

const SCHEMAS = drizzleConfig.schemaFilter as string[];
const inSchemas = SCHEMAS.map((s) => `'${s}'`).join(',');
const sql = connectPostgres(inject('databaseUrl'), { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
afterAll(() => sql.end());

/** The migrations in the order drizzle applies them, read from its journal (never a fixed list). */
function journal(): { tag: string; text: string }[] {
  const { entries } = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  return entries.sort((a, b) => a.idx - b.idx).map(({ tag }) => ({ tag, text: readFileSync(join(migrationsFolder, `${tag}.sql`), 'utf8') }));
}

/** Every table the subgraphs' Drizzle models declare, as `schema.table` (the drizzle config's glob). */
async function modelTables(): Promise<string[]> {
  const subgraphs = fileURLToPath(new URL('../../subgraphs', import.meta.url));
  const names: string[] = [];
  for (const subgraph of readdirSync(subgraphs)) {
    const models = join(subgraphs, subgraph, 'src', 'models', 'index.ts');
    if (!existsSync(models)) continue;
    for (const value of Object.values(await import(models))) {
      if (!is(value, PgTable)) continue;
      const { schema, name } = getTableConfig(value);
      names.push(`${schema}.${name}`);
    }
  }
  return names.sort();
}

// Objects another test file installs for a moment on this shared database are named test_...;
// they are not the migrations' and may come and go while this file runs.
// pg-boss keeps its own schema (its tables come and go with its queues): not the migrations'.
const OURS = `n.nspname !~ '^pg_' and n.nspname not in ('information_schema', 'drizzle', 'pgboss')`;
const NOT_TEST = (column: string) => `${column} !~ '^test_'`;
// Objects that belong to an extension (pgvector's functions and types) are the extension's.
const notExtensionMember = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/**
 * What the migrations define, as text: row-level security and policies with their expressions,
 * triggers, constraints, indexes, functions with their definitions, grants on schemas, tables,
 * sequences and functions, and the roles with their memberships.
 */
async function catalogFingerprint(): Promise<Record<string, string[]>> {
  const queries: Record<string, string> = {
    tables: `select n.nspname || '.' || c.relname || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity
               from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and ${OURS}`,
    policies: `select schemaname || '.' || tablename || '.' || policyname || ' ' || permissive || ' ' || cmd || ' to ' || roles::text
                 || ' using ' || coalesce(qual, '-') || ' check ' || coalesce(with_check, '-')
               from pg_policies where schemaname !~ '^pg_'`,
    triggers: `select pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text from pg_trigger t
                 join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
               where not t.tgisinternal and ${OURS} and ${NOT_TEST('t.tgname')}`,
    constraints: `select c.conrelid::regclass::text || '.' || c.conname || ' ' || pg_get_constraintdef(c.oid) from pg_constraint c
                    join pg_namespace n on n.oid = c.connamespace where ${OURS} and ${notExtensionMember('pg_constraint', 'c.oid')}`,
    indexes: `select schemaname || '.' || indexname || ' ' || indexdef from pg_indexes where schemaname !~ '^pg_' and schemaname not in ('information_schema', 'drizzle', 'pgboss')`,
    functions: `select p.oid::regprocedure::text || ' ' || case when p.prokind in ('f', 'p') then pg_get_functiondef(p.oid) else p.prokind::text end
                  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where ${OURS} and ${NOT_TEST('p.proname')} and ${notExtensionMember('pg_proc', 'p.oid')}`,
    grants: `select 'schema ' || n.nspname || ' ' || coalesce(array(select x::text from unnest(n.nspacl) x order by 1)::text, 'default')
               from pg_namespace n where ${OURS}
             union all
             select 'relation ' || n.nspname || '.' || c.relname || ' ' || coalesce(array(select x::text from unnest(c.relacl) x order by 1)::text, 'default')
               from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'S', 'v', 'm') and ${OURS}
             union all
             select 'function ' || p.oid::regprocedure::text || ' ' || coalesce(array(select x::text from unnest(p.proacl) x order by 1)::text, 'default')
               from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${OURS} and ${NOT_TEST('p.proname')} and ${notExtensionMember('pg_proc', 'p.oid')}`,
    roles: `select r.rolname || ' login=' || r.rolcanlogin || ' inherit=' || r.rolinherit || ' members='
              || coalesce((select string_agg(m.rolname, ',' order by m.rolname) from pg_auth_members a join pg_roles m on m.oid = a.member where a.roleid = r.oid), '')
            from pg_roles r where r.rolname like 'chief\\_%'`,
  };
  const fingerprint: Record<string, string[]> = {};
  for (const [name, query] of Object.entries(queries)) {
    const rows = await sql.unsafe<{ x: string }[]>(`select x from (${query}) as t(x) order by 1`);
    fingerprint[name] = rows.map((r) => r.x);
  }
  return fingerprint;
}

describe('the migrations (post-migration checks of seed 001)', () => {
  it('create the schemas, pgvector and the vector column', async () => {
    const schemas = await sql.unsafe(`select schema_name from information_schema.schemata where schema_name in (${inSchemas}, 'auth')`);
    expect(schemas.map((r) => r.schema_name).sort()).toEqual(['auth', ...SCHEMAS].sort());
    expect(await sql.unsafe(`select 1 from pg_extension where extname = 'vector'`)).toHaveLength(1);
    const vectors = await sql.unsafe(`select table_schema||'.'||table_name as t from information_schema.columns where udt_name = 'vector'`);
    expect(vectors.map((r) => r.t).sort()).toEqual(['comms.communications', 'core.contacts', 'intel.insights', 'media.media_chunks', 'meetings.transcript_chunks']);
  });

  it('create exactly the tables the models declare', async () => {
    const tables = await sql.unsafe(`select schemaname||'.'||tablename as t from pg_tables where schemaname in (${inSchemas}) order by 1`);
    expect(tables.map((r) => r.t)).toEqual(await modelTables());
  });

  it('enable row-level security on every table, with policies for every command', async () => {
    const tables = await sql.unsafe(`select schemaname, tablename, rowsecurity from pg_tables where schemaname in (${inSchemas})`);
    for (const t of tables) expect(t.rowsecurity, `${t.schemaname}.${t.tablename}`).toBe(true);
    const policies = await sql.unsafe(`select schemaname||'.'||tablename as t, json_agg(distinct cmd) as cmds from pg_policies where schemaname in (${inSchemas}) group by 1`);
    const byTable = new Map(policies.map((p) => [p.t, p.cmds as string[]]));
    const log = new Set(['ops.events', 'ops.event_actors', 'ops.event_links']);
    for (const t of tables) {
      const cmds = byTable.get(`${t.schemaname}.${t.tablename}`) ?? [];
      // The event log is append-only: read and insert only. Every other table covers every command.
      const expected = log.has(`${t.schemaname}.${t.tablename}`) ? ['ALL', 'INSERT', 'SELECT'] : ['ALL', 'DELETE', 'INSERT', 'SELECT', 'UPDATE'];
      if (t.tablename === 'workspaces') expected.splice(0, 1);
      expect(cmds.sort(), `${t.schemaname}.${t.tablename}`).toEqual(expected.sort());
    }
  });

  // Seed 001's index check, adapted: queries are always scoped by workspace, so every tenant table
  // needs an index led by workspace_id (a primary or unique key that starts with it counts: it is one).
  it('give every tenant table an index whose first column is workspace_id', async () => {
    const rows = await sql.unsafe<{ t: string; leading: string[] }[]>(`
      select c.oid::regclass::text as t,
             coalesce(json_agg(a.attname) filter (where a.attname is not null), '[]') as leading
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_index i on i.indrelid = c.oid
        left join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
       where c.relkind = 'r' and n.nspname in (${inSchemas})
         and exists (select 1 from pg_attribute w where w.attrelid = c.oid and w.attname = 'workspace_id' and not w.attisdropped)
       group by 1 order by 1`);
    expect(rows.length).toBeGreaterThan(0);
    const unindexed = rows.filter((r) => !r.leading.includes('workspace_id')).map((r) => r.t);
    expect(unindexed).toEqual([]);
  });

  it('let only Chief\'s roles call the functions that run as their owner', async () => {
    const open = await sql.unsafe(
      `select p.oid::regprocedure::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.prosecdef and n.nspname in ('auth', ${inSchemas}) and p.prorettype <> 'trigger'::regtype
          and has_function_privilege('public', p.oid, 'EXECUTE') order by 1`,
    );
    expect(open.map((r) => r.name)).toEqual([]);
  });

  it('are tracked: drizzle recorded every migration of the journal', async () => {
    const [row] = await sql.unsafe<{ n: number }[]>('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(row!.n).toBe(journal().length);
  });
});

describe('the migrations run a second time', () => {
  it('apply nothing through drizzle, and leave the catalog as it was', async () => {
    const before = await catalogFingerprint();
    expect(await runMigrations(inject('databaseUrl'))).toEqual({ applied: 0 });
    expect(await catalogFingerprint()).toEqual(before);
  });

  // drizzle never runs a file twice, so the hand-written SQL's idempotency (seed 001: safe to
  // re-run) is only proven by running it again. All of it in journal order and in one transaction:
  // a later file may replace a function an earlier one made (CREATE OR REPLACE), so only the whole
  // sequence ends where the migrations left the database, and other test files on this shared
  // database never see a state in between.
  it('re-execute every hand-written file directly, successfully and changing nothing', async () => {
    const handWritten = journal().filter((m) => m.text.startsWith('-- Hand-written'));
    expect(handWritten.length).toBeGreaterThan(0);
    const before = await catalogFingerprint();
    await sql.begin(async (tx) => {
      for (const { tag, text } of handWritten) {
        for (const statement of text.split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean)) {
          await tx.unsafe(statement).catch((error: Error) => {
            throw new Error(`${tag}.sql failed on its second run: ${error.message}\n${statement}`);
          });
        }
      }
    });
    expect(await catalogFingerprint()).toEqual(before);
  });
});

describe('the event log', () => {
  it('refuses UPDATE and DELETE, from the owner and from the application role', async () => {
    const [ws] = await sql.unsafe(`insert into core.workspaces (name, slug, created_by_user_id) values ('Log', 'log-' || substr(md5(random()::text), 1, 8), 'log-owner') returning id`);
    await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${ws!.id}', 'log-owner', 'owner', 'O')`);
    await sql.unsafe(`insert into ops.events (workspace_id, type, actor_type) values ('${ws!.id}', 'core.workspace.created', 'user')`);
    await expect(sql.unsafe(`update ops.events set type = 'x.y.z' where workspace_id = '${ws!.id}'`)).rejects.toThrow(/append-only/);
    await expect(sql.unsafe(`delete from ops.events where workspace_id = '${ws!.id}'`)).rejects.toThrow(/append-only/);
    for (const statement of [`update ops.events set type = 'x.y.z'`, `delete from ops.events`]) {
      await expect(
        sql.begin(async (tx) => {
          await tx.unsafe(`select set_config('role', 'chief_app', true), set_config('chief.user_id', 'log-owner', true), set_config('chief.workspace_id', '${ws!.id}', true)`);
          await tx.unsafe(`${statement} where workspace_id = '${ws!.id}'`);
        }),
      ).rejects.toThrow(/permission denied|append-only/);
    }
    const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ops.events where workspace_id = '${ws!.id}'`)) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });
});
