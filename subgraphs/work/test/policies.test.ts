/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, copyRowStatement, refused, tablesIn, tablesWithColumn, touched, type Caller } from '../../../test/support/asCaller.ts';
import { seedPolicyWorkspace, type PolicyWorkspace } from '../../../test/support/seedPolicyWorkspace.ts';
import { errorOf, expectData, startTestChief, type TestChief } from '../../../test/support/startTestChief.ts';
import { type WorkspaceFixture } from '../../core/test/fixtures.ts';

// Row-level security of the work tables, at the SQL level under chief_app with each caller's
// claims (what a request runs as), and through the API. Every SQL probe is rolled back.
describe('row-level security of work', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let a: PolicyWorkspace;
  let tables: string[];

  const user = (role: keyof WorkspaceFixture['users']): Caller => ({ kind: 'user', userId: a.ws.users[role].userId, workspaceId: a.ws.id });
  const key = (state: keyof PolicyWorkspace['keys']): Caller => ({ kind: 'apiKey', apiKeyId: a.keys[state], workspaceId: a.ws.id });
  const inA = () => `workspace_id = ${literal(a.ws.id)}`;
  const byMember = (memberId: string) => `${inA()} and created_by = ${literal(memberId)}`;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    a = await seedPolicyWorkspace(chief, sql, 'Work Policies');
    tables = await tablesIn(sql, 'work');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  /** Tries to insert (a copy of a row), update and delete in every work table, and says what got through. */
  async function writesThatGetThrough(caller: Caller): Promise<string[]> {
    const through: string[] = [];
    for (const table of tables) {
      const insert = await asCaller(sql, caller, await copyRowStatement(sql, table, inA()));
      if (!refused(insert)) through.push(`insert into ${table}: ${JSON.stringify(insert)}`);
      if (touched(await asCaller(sql, caller, `update ${table} set workspace_id = workspace_id where ${inA()}`))) through.push(`update ${table}`);
      if (touched(await asCaller(sql, caller, `delete from ${table} where ${inA()}`))) through.push(`delete from ${table}`);
    }
    return through;
  }

  it('lets viewers insert, update and delete nothing in any work table, though they read them', async () => {
    expect(tables).toEqual(expect.arrayContaining(['work.tasks', 'work.task_links']));
    expect(await writesThatGetThrough(user('viewer'))).toEqual([]);
    expect(touched(await asCaller(sql, user('viewer'), 'select id from work.tasks'))).toBe(true);
  });

  describe('members', () => {
    it('change rows they made or are assigned, and none made by others, in every work table with created_by', async () => {
      const { owner, member } = a.ws.users;
      for (const table of await tablesWithColumn(sql, 'work', 'created_by')) {
        const others = `${byMember(owner.memberId)}${table === 'work.tasks' ? ` and assignee_member_id is distinct from ${literal(member.memberId)}` : ''}`;
        expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${others}`)), table).toBe(false);
        expect(touched(await asCaller(sql, user('member'), `delete from ${table} where ${others}`)), table).toBe(false);
        expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember(member.memberId)}`)), table).toBe(true);
        expect(touched(await asCaller(sql, user('member'), `delete from ${table} where ${byMember(member.memberId)}`)), table).toBe(true);
      }
      const assigned = `update work.tasks set status = 'in_progress' where id = ${literal(a.tasks.assigned)}`;
      expect(touched(await asCaller(sql, user('member'), assigned))).toBe(true);
    });

    it('cannot insert a row attributed to another member, in every work table with created_by', async () => {
      for (const table of await tablesWithColumn(sql, 'work', 'created_by')) {
        const as = (memberId: string | null) => copyRowStatement(sql, table, inA(), { created_by: memberId });
        expect(refused(await asCaller(sql, user('member'), await as(a.ws.users.owner.memberId))), `${table} as another member`).toBe(true);
        expect(refused(await asCaller(sql, user('member'), await as(null))), `${table} as no one`).toBe(true);
        expect(refused(await asCaller(sql, user('member'), await as(a.ws.users.member.memberId))), `${table} as themselves`).toBe(false);
      }
    });

    it('get FORBIDDEN through the API for another member\'s task, which stays as it was', async () => {
      const result = await chief.request('mutation($id: ID!) { updateTask(id: $id, input: { title: "Mine now" }) { id } }', { id: a.tasks.owner }, { token: a.ws.users.member.token });
      expect(errorOf(result).code).toBe('FORBIDDEN');
      const [row] = await sql.unsafe(`select title from work.tasks where id = ${literal(a.tasks.owner)}`);
      expect(row!.title).toBe('Task');
    });
  });

  describe('partner API keys', () => {
    it('with the READ scope read tasks and change nothing', async () => {
      expect(touched(await asCaller(sql, key('read'), 'select id from work.tasks'))).toBe(true);
      expect(await writesThatGetThrough(key('read'))).toEqual([]);
    });

    it('with the WRITE scope change any task and link, and what they make names no member', async () => {
      for (const table of tables) {
        expect(touched(await asCaller(sql, key('write'), `update ${table} set workspace_id = workspace_id where ${byMember(a.ws.users.owner.memberId)}`)), table).toBe(true);
        expect(touched(await asCaller(sql, key('write'), `delete from ${table} where ${inA()}`)), table).toBe(true);
      }
      const task = (createdBy: string | null) => copyRowStatement(sql, 'work.tasks', `id = ${literal(a.tasks.owner)}`, { created_by: createdBy });
      expect(touched(await asCaller(sql, key('write'), await task(null)))).toBe(true);
      expect(refused(await asCaller(sql, key('write'), await task(a.ws.users.owner.memberId)))).toBe(true);
    });

    it('see and change nothing once revoked or expired', async () => {
      for (const caller of [key('revoked'), key('expired')]) {
        for (const table of tables) expect(touched(await asCaller(sql, caller, `select 1 from ${table}`)), table).toBe(false);
        expect(await writesThatGetThrough(caller)).toEqual([]);
      }
    });
  });

  it('lets background work (chief_service) see nothing without a workspace', async () => {
    for (const table of tables) {
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: null }, `select 1 from ${table}`)), table).toBe(false);
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: a.ws.id }, `select 1 from ${table}`)), table).toBe(true);
    }
  });

});
