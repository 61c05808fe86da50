/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, copyRowStatement, refused, tablesIn, touched, type Caller } from '../../../test/support/asCaller.ts';
import { seedPolicyWorkspace, type PolicyWorkspace } from '../../../test/support/seedPolicyWorkspace.ts';
import { startTestChief, type TestChief } from '../../../test/support/startTestChief.ts';
import { type WorkspaceFixture } from '../../core/test/fixtures.ts';

// Row-level security of the comms tables, at the SQL level under chief_app with each caller's
// claims (what a request runs as). Every SQL probe is rolled back.
describe('row-level security of comms', () => {
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
    a = await seedPolicyWorkspace(chief, sql, 'Comms Policies');
    tables = await tablesIn(sql, 'comms');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  async function writesThatGetThrough(caller: Caller): Promise<string[]> {
    const through: string[] = [];
    for (const table of tables) {
      const insert = await asCaller(sql, caller, await copyRowStatement(sql, table, inA(), { external_id: `copy-${Date.now()}` }));
      if (!refused(insert)) through.push(`insert into ${table}: ${JSON.stringify(insert)}`);
      if (touched(await asCaller(sql, caller, `update ${table} set workspace_id = workspace_id where ${inA()}`))) through.push(`update ${table}`);
      if (touched(await asCaller(sql, caller, `delete from ${table} where ${inA()}`))) through.push(`delete from ${table}`);
    }
    return through;
  }

  it('lets viewers and READ keys write nothing in any comms table, though they read them', async () => {
    expect(tables).toEqual(expect.arrayContaining(['comms.threads', 'comms.communications']));
    for (const caller of [user('viewer'), key('read')]) {
      expect(await writesThatGetThrough(caller)).toEqual([]);
      expect(touched(await asCaller(sql, caller, 'select id from comms.communications'))).toBe(true);
    }
  });

  it('lets members change what they ingested and not what others did, and not name someone else as its maker', async () => {
    const { owner, member } = a.ws.users;
    for (const table of tables) {
      expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember(owner.memberId)}`)), table).toBe(false);
      expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember(member.memberId)}`)), table).toBe(true);
      const as = (memberId: string | null) => copyRowStatement(sql, table, byMember(member.memberId), { created_by: memberId, external_id: `copy-${memberId}` });
      expect(refused(await asCaller(sql, user('member'), await as(owner.memberId))), table).toBe(true);
      expect(refused(await asCaller(sql, user('member'), await as(member.memberId))), table).toBe(false);
    }
  });

  it('lets a founder flag the communications of their own inbox, whoever ingested them', async () => {
    const mine = `${byMember(a.ws.users.owner.memberId)}`;
    const flag = `update comms.communications set read_at = now() where ${mine}`;
    expect(touched(await asCaller(sql, user('member'), flag))).toBe(false);
    await sql.unsafe(`update comms.communications set founder_id = ${literal(a.founders.member)} where ${mine}`);
    expect(touched(await asCaller(sql, user('member'), flag))).toBe(true);
    expect(touched(await asCaller(sql, user('viewer'), flag))).toBe(false);
  });

  it('lets WRITE keys change any communication, and revoked or expired keys nothing', async () => {
    for (const table of tables) {
      expect(touched(await asCaller(sql, key('write'), `update ${table} set workspace_id = workspace_id where ${byMember(a.ws.users.owner.memberId)}`)), table).toBe(true);
    }
    for (const caller of [key('revoked'), key('expired')]) {
      for (const table of tables) expect(touched(await asCaller(sql, caller, `select 1 from ${table}`)), table).toBe(false);
      expect(await writesThatGetThrough(caller)).toEqual([]);
    }
  });

  it('lets background work (chief_service) see nothing without a workspace', async () => {
    for (const table of tables) {
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: null }, `select 1 from ${table}`)), table).toBe(false);
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: a.ws.id }, `select 1 from ${table}`)), table).toBe(true);
    }
  });
});
