import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectPostgres } from '@chief/db';

// SQL straight to the database, past the API's validation: the rules below must hold for any
// writer, the table owner included, not only for the resolvers that check them first.
const sql = connectPostgres(inject('databaseUrl'), { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
afterAll(() => sql.end());

const userId = `constraints-owner-${process.pid}`;
let workspaceId: string;
let memberId: string;

beforeAll(async () => {
  const [ws] = await sql.unsafe(
    `insert into core.workspaces (name, slug, created_by_user_id) values ('Constraints', 'constraints-' || substr(md5(random()::text), 1, 8), '${userId}') returning id`,
  );
  workspaceId = ws!.id;
  const [member] = await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${workspaceId}', '${userId}', 'owner', 'O') returning id`);
  memberId = member!.id;
});

type Writer = 'the table owner' | 'chief_app with claims';
const writers: Writer[] = ['the table owner', 'chief_app with claims'];

/** Runs one statement as `writer`, in a transaction of its own; resolves to the rows it returned. */
function write(writer: Writer, statement: string) {
  return sql.begin(async (tx) => {
    if (writer === 'chief_app with claims') {
      await tx.unsafe(`select set_config('role', 'chief_app', true), set_config('chief.user_id', '${userId}', true), set_config('chief.workspace_id', '${workspaceId}', true)`);
    }
    return tx.unsafe(statement);
  });
}

const checkViolation = (constraint: string) => expect.objectContaining({ code: '23514', constraint_name: constraint });

describe.each(writers)('as %s, the database', (writer) => {
  const task = (status: string, completedAt: string) =>
    `insert into work.tasks (workspace_id, title, status, completed_at, created_by) values ('${workspaceId}', 'Rule', '${status}', ${completedAt}, '${memberId}') returning id`;

  it('refuses a task that is done without completed_at, or has completed_at without being done', async () => {
    await expect(write(writer, task('done', 'null'))).rejects.toEqual(checkViolation('ck_tasks_completed_at'));
    for (const status of ['todo', 'in_progress', 'blocked', 'canceled']) {
      await expect(write(writer, task(status, 'now()'))).rejects.toEqual(checkViolation('ck_tasks_completed_at'));
    }
  });

  it('refuses an update that breaks the rule on an existing task, and accepts one that keeps it', async () => {
    const [done] = await write(writer, task('done', 'now()'));
    const [open] = await write(writer, task('todo', 'null'));
    await expect(write(writer, `update work.tasks set status = 'todo' where id = '${done!.id}'`)).rejects.toEqual(checkViolation('ck_tasks_completed_at'));
    await expect(write(writer, `update work.tasks set completed_at = null where id = '${done!.id}'`)).rejects.toEqual(checkViolation('ck_tasks_completed_at'));
    await expect(write(writer, `update work.tasks set status = 'done' where id = '${open!.id}'`)).rejects.toEqual(checkViolation('ck_tasks_completed_at'));
    expect(await write(writer, `update work.tasks set status = 'done', completed_at = now() where id = '${open!.id}' returning id`)).toHaveLength(1);
    expect(await write(writer, `update work.tasks set status = 'todo', completed_at = null where id = '${done!.id}' returning id`)).toHaveLength(1);
  });

  const deal = (probability: number) =>
    `insert into core.deals (workspace_id, title, probability, created_by) values ('${workspaceId}', 'Odds', ${probability}, '${memberId}') returning id`;

  it('refuses a deal probability outside 0..100, on insert and on update', async () => {
    for (const probability of [-1, 101, 150]) await expect(write(writer, deal(probability))).rejects.toEqual(checkViolation('ck_deals_probability'));
    const [row] = await write(writer, deal(0));
    expect(await write(writer, `update core.deals set probability = 100 where id = '${row!.id}' returning id`)).toHaveLength(1);
    await expect(write(writer, `update core.deals set probability = 101 where id = '${row!.id}'`)).rejects.toEqual(checkViolation('ck_deals_probability'));
    await expect(write(writer, `update core.deals set probability = -1 where id = '${row!.id}'`)).rejects.toEqual(checkViolation('ck_deals_probability'));
  });

  it('keeps who created a row: created_by can be neither rewritten nor cleared while its member exists', async () => {
    const [row] = await write(writer, task('todo', 'null'));
    const [other] = await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${workspaceId}', 'other-${randomUUID()}', 'member', 'M') returning id`);
    await expect(write(writer, `update work.tasks set created_by = '${other!.id}' where id = '${row!.id}'`)).rejects.toEqual(expect.objectContaining({ code: '42501' }));
    await expect(write(writer, `update work.tasks set created_by = null where id = '${row!.id}'`)).rejects.toEqual(expect.objectContaining({ code: '42501' }));
    expect(await write(writer, `update work.tasks set created_by = created_by, title = 'Kept' where id = '${row!.id}' returning id`)).toHaveLength(1);
  });
});

/** Tables that have `column` but lack the row trigger `trigger`, from the catalog. */
async function tablesWithoutTrigger(column: string, trigger: string): Promise<string[]> {
  const rows = await sql.unsafe(
    `select c.table_schema || '.' || c.table_name as name from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where c.column_name = '${column}' and t.table_type = 'BASE TABLE'
       and not exists (select 1 from pg_trigger g where g.tgrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass and g.tgname = '${trigger}')`,
  );
  return rows.map((r) => r.name as string);
}

describe('updated_at', () => {
  it('is kept by a trigger on every table that has it', async () => {
    expect(await tablesWithoutTrigger('updated_at', 'set_updated_at')).toEqual([]);
    const [row] = await sql.unsafe(`insert into work.tasks (workspace_id, title, updated_at) values ('${workspaceId}', 'Stamped', now() - interval '1 day') returning id, updated_at`);
    const [after] = await sql.unsafe(`update work.tasks set title = 'Restamped' where id = '${row!.id}' returning updated_at`);
    expect(new Date(after!.updated_at).getTime()).toBeGreaterThan(new Date(row!.updated_at).getTime());
  });
});

describe('created_by', () => {
  it('is guarded on every table that has it', async () => {
    expect(await tablesWithoutTrigger('created_by', 'keep_created_by')).toEqual([]);
  });

  it('is cleared, not kept pointing at nobody, when the member who made the row is removed', async () => {
    const [leaver] = await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${workspaceId}', 'leaver-${randomUUID()}', 'member', 'L') returning id`);
    const [row] = await sql.unsafe(`insert into work.tasks (workspace_id, title, created_by) values ('${workspaceId}', 'Left behind', '${leaver!.id}') returning id`);
    await sql.unsafe(`delete from core.members where id = '${leaver!.id}'`);
    const [after] = await sql.unsafe(`select created_by from work.tasks where id = '${row!.id}'`);
    expect(after!.created_by).toBeNull();
  });
});

// The bound the gateway's cost measure counts on for Task.links (@listSize(assumedSize: 8)).
describe('the lists the API counts at a fixed size', () => {
  it('hold at most one link of a task per tracker', async () => {
    const [task] = await sql.unsafe(`insert into work.tasks (workspace_id, title) values ('${workspaceId}', 'Mirrored') returning id`);
    const link = (externalId: string) => `insert into work.task_links (workspace_id, task_id, platform, external_id) values ('${workspaceId}', '${task!.id}', 'jira', '${externalId}')`;
    await sql.unsafe(link(`J-${randomUUID()}`));
    await expect(sql.unsafe(link(`J-${randomUUID()}`))).rejects.toEqual(expect.objectContaining({ code: '23505', constraint_name: 'uq_task_links_workspace_task_platform' }));
  });
});
