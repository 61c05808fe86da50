import { afterAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { runMigrations } from '@chief/db';

const SCHEMAS = ['core', 'work', 'ops'];
const sql = postgres(inject('databaseUrl'), { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
afterAll(() => sql.end());

const catalog = async () =>
  sql.unsafe(`select (select json_agg(x order by x) from (select schemaname||'.'||tablename||':'||rowsecurity as x from pg_tables where schemaname in ('core','work','ops')) t) as tables,
                     (select json_agg(x order by x) from (select schemaname||'.'||tablename||'.'||policyname||':'||cmd||':'||qual as x from pg_policies where schemaname in ('core','work','ops')) p) as policies,
                     (select json_agg(x order by x) from (select indexname as x from pg_indexes where schemaname in ('core','work','ops')) i) as indexes,
                     (select count(*)::int from drizzle.__drizzle_migrations) as migrations`);

describe('the migrations (post-migration checks of seed 001)', () => {
  it('create the schemas, pgvector and the vector column', async () => {
    const schemas = await sql.unsafe(`select schema_name from information_schema.schemata where schema_name in ('core','work','ops','auth')`);
    expect(schemas.map((r) => r.schema_name).sort()).toEqual(['auth', ...SCHEMAS].sort());
    expect(await sql.unsafe(`select 1 from pg_extension where extname = 'vector'`)).toHaveLength(1);
    const vectors = await sql.unsafe(`select table_schema||'.'||table_name as t from information_schema.columns where udt_name = 'vector'`);
    expect(vectors.map((r) => r.t)).toEqual(['core.contacts']);
  });

  it('enable row-level security on every table, with policies for every command', async () => {
    const tables = await sql.unsafe(`select schemaname, tablename, rowsecurity from pg_tables where schemaname in ('core','work','ops')`);
    expect(tables.length).toBe(12);
    for (const t of tables) expect(t.rowsecurity, `${t.schemaname}.${t.tablename}`).toBe(true);
    const policies = await sql.unsafe(`select schemaname||'.'||tablename as t, json_agg(distinct cmd) as cmds from pg_policies where schemaname in ('core','work','ops') group by 1`);
    const byTable = new Map(policies.map((p) => [p.t, p.cmds as string[]]));
    for (const t of tables) {
      const cmds = byTable.get(`${t.schemaname}.${t.tablename}`) ?? [];
      // The event log is append-only: read and insert only. Every other table covers every command.
      const expected = t.schemaname === 'ops' ? ['ALL', 'INSERT', 'SELECT'] : ['ALL', 'DELETE', 'INSERT', 'SELECT', 'UPDATE'];
      if (t.tablename === 'workspaces') expected.splice(0, 1);
      expect(cmds.sort(), `${t.schemaname}.${t.tablename}`).toEqual(expected.sort());
    }
  });

  it('change nothing when run a second time', async () => {
    const before = await catalog();
    expect(await runMigrations(inject('databaseUrl'))).toEqual({ applied: 0 });
    expect(await catalog()).toEqual(before);
  });

  it('make ops.events refuse UPDATE and DELETE, from the owner and from the application role', async () => {
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
