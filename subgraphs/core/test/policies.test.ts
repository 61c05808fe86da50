/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTokens } from '@chief/runtime';
import { connectAsOwner, literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, copyRowStatement, refused, tablesIn, tablesWithColumn, tenantColumn, touched, type Caller } from '../../../test/support/asCaller.ts';
import { seedPolicyWorkspace, type PolicyWorkspace } from '../../../test/support/seedPolicyWorkspace.ts';
import { errorOf, expectData, startTestChief, TEST_ENV, type TestChief, type Page } from '../../../test/support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from './fixtures.ts';

// Row-level security of the core tables, at the SQL level under chief_app with each caller's
// claims (what a request runs as), and through the API where the API shows it. Every probe is
// rolled back, so each starts from the same rows.
describe('row-level security of core', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let a: PolicyWorkspace;
  let b: WorkspaceFixture;
  let tables: string[];

  const user = (role: keyof WorkspaceFixture['users'], workspaceId: string | null = a.ws.id): Caller => ({ kind: 'user', userId: a.ws.users[role].userId, workspaceId });
  const key = (state: keyof PolicyWorkspace['keys'], workspaceId = a.ws.id): Caller => ({ kind: 'apiKey', apiKeyId: a.keys[state], workspaceId });
  const inA = (table: string) => `${tenantColumn(table)} = ${literal(a.ws.id)}`;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    a = await seedPolicyWorkspace(chief, sql, 'Core Policies');
    b = await createWorkspaceFixture(chief, 'Core Elsewhere');
    // A's member also belongs to B, as a viewer there.
    expectData(await chief.request(
      'mutation($u: String!) { inviteMember(input: { userId: $u, role: VIEWER, name: "Also here" }) { id } }',
      { u: a.ws.users.member.userId }, { token: b.users.owner.token },
    ));
    tables = await tablesIn(sql, 'core');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  /**
   * Tries to insert (a copy of a row), update and delete in every table, and says what got
   * through. Leaving, i.e. deleting one's own membership, is everyone's right and not tried here.
   */
  async function writesThatGetThrough(caller: Caller, only = tables): Promise<string[]> {
    const through: string[] = [];
    const self = caller.kind === 'user' ? literal(caller.userId) : 'null';
    for (const table of only) {
      const column = tenantColumn(table);
      const rows = table === 'core.members' ? `${inA(table)} and user_id is distinct from ${self}` : inA(table);
      const insert = await asCaller(sql, caller, await copyRowStatement(sql, table, rows));
      if (!refused(insert)) through.push(`insert into ${table}: ${JSON.stringify(insert)}`);
      if (touched(await asCaller(sql, caller, `update ${table} set ${column} = ${column} where ${inA(table)}`))) through.push(`update ${table}`);
      if (touched(await asCaller(sql, caller, `delete from ${table} where ${rows}`))) through.push(`delete from ${table}`);
    }
    return through;
  }

  describe('viewers', () => {
    it('insert, update and delete nothing in any core table, though they read them and may leave', async () => {
      expect(tables.length).toBeGreaterThan(5);
      expect(await writesThatGetThrough(user('viewer'))).toEqual([]);
      expect(touched(await asCaller(sql, user('viewer'), 'select id from core.contacts'))).toBe(true);
      const leave = `delete from core.members where id = ${literal(a.ws.users.viewer.memberId)}`;
      expect(touched(await asCaller(sql, user('viewer'), leave))).toBe(true);
    });

    it('do not update a founder linked to them, which a member linked to one does', async () => {
      const update = (id: string) => `update core.founders set title = 'Changed' where id = ${literal(id)}`;
      expect(touched(await asCaller(sql, user('viewer'), update(a.founders.viewer)))).toBe(false);
      expect(touched(await asCaller(sql, user('member'), update(a.founders.member)))).toBe(true);
      expect(touched(await asCaller(sql, user('member'), update(a.founders.viewer)))).toBe(false);
    });
  });

  describe('members', () => {
    it('change the rows they made and none made by others, in every core table with created_by', async () => {
      const owned = await tablesWithColumn(sql, 'core', 'created_by');
      expect(owned).toEqual(expect.arrayContaining(['core.api_keys', 'core.contacts', 'core.deals', 'core.integrations']));
      for (const table of owned) {
        const byOwner = `${inA(table)} and created_by = ${literal(a.ws.users.owner.memberId)}`;
        const byMember = `${inA(table)} and created_by = ${literal(a.ws.users.member.memberId)}`;
        expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byOwner}`)), table).toBe(false);
        expect(touched(await asCaller(sql, user('member'), `delete from ${table} where ${byOwner}`)), table).toBe(false);
        const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${table} where ${byMember}`)) as unknown as [{ n: number }];
        if (table === 'core.api_keys') continue; // admins' table: members make none
        expect(n, `the member made no row in ${table}`).toBeGreaterThan(0);
        expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember}`)), table).toBe(true);
        expect(touched(await asCaller(sql, user('member'), `delete from ${table} where ${byMember}`)), table).toBe(true);
      }
    });

    it('cannot insert a row attributed to another member, in every core table with created_by', async () => {
      for (const table of await tablesWithColumn(sql, 'core', 'created_by')) {
        // api_keys are the admins' table: there the admin is the one who must not borrow a name.
        const caller = table === 'core.api_keys' ? 'admin' : 'member';
        const as = (memberId: string | null) => copyRowStatement(sql, table, inA(table), { created_by: memberId });
        expect(refused(await asCaller(sql, user(caller), await as(a.ws.users.owner.memberId))), `${table} as another member`).toBe(true);
        expect(refused(await asCaller(sql, user(caller), await as(null))), `${table} as no one`).toBe(true);
        // Named as themselves, row-level security lets it through (a unique key may still object).
        expect(refused(await asCaller(sql, user(caller), await as(a.ws.users[caller].memberId))), `${table} as themselves`).toBe(false);
      }
    });
  });

  describe('the owner role', () => {
    const role = (id: string, to: string) => `update core.members set role = '${to}' where id = ${literal(id)}`;
    const newMember = (to: string) =>
      `insert into core.members (workspace_id, user_id, role, display_name) values (${literal(a.ws.id)}, 'new|${to}|${Date.now()}', '${to}', 'New')`;

    it('is out of an admin\'s reach: no creating, promoting to, demoting or deleting an owner', async () => {
      const { owner, viewer } = a.ws.users;
      expect(refused(await asCaller(sql, user('admin'), newMember('owner')))).toBe(true);
      expect(refused(await asCaller(sql, user('admin'), role(viewer.memberId, 'owner')))).toBe(true);
      expect(touched(await asCaller(sql, user('admin'), role(owner.memberId, 'admin')))).toBe(false);
      expect(touched(await asCaller(sql, user('admin'), `delete from core.members where id = ${literal(owner.memberId)}`))).toBe(false);
      // The rest of the membership is the admin's to manage.
      expect(touched(await asCaller(sql, user('admin'), newMember('admin')))).toBe(true);
      expect(touched(await asCaller(sql, user('admin'), role(viewer.memberId, 'member')))).toBe(true);
    });

    it('is an owner\'s to grant, change and remove', async () => {
      const { viewer } = a.ws.users;
      expect(touched(await asCaller(sql, user('owner'), newMember('owner')))).toBe(true);
      expect(touched(await asCaller(sql, user('owner'), role(viewer.memberId, 'owner')))).toBe(true);
      expect(touched(await asCaller(sql, user('owner'), role(viewer.memberId, 'owner'), role(viewer.memberId, 'viewer')))).toBe(true);
      expect(touched(await asCaller(sql, user('owner'), role(viewer.memberId, 'owner'), `delete from core.members where id = ${literal(viewer.memberId)}`))).toBe(true);
    });

    it('is still taken by the creator of a workspace without members (first-owner enrolment)', async () => {
      const creator = `creator|${Date.now()}`;
      const [ws] = await sql.unsafe(`insert into core.workspaces (name, slug, created_by_user_id) values ('New', 'new-${Date.now()}', ${literal(creator)}) returning id`);
      const enrol = `insert into core.members (workspace_id, user_id, role, display_name) values (${literal(ws!.id)}, ${literal(creator)}, 'owner', 'Me')`;
      expect(touched(await asCaller(sql, { kind: 'user', userId: creator, workspaceId: null }, enrol))).toBe(true);
      expect(refused(await asCaller(sql, { kind: 'user', userId: 'someone-else', workspaceId: null }, enrol.replace(literal(creator), "'someone-else'")))).toBe(true);
      await sql.unsafe(`delete from core.workspaces where id = ${literal(ws!.id)}`);
    });
  });

  describe('members of several workspaces', () => {
    it('see in core.members only the workspace in scope, their own other memberships included', async () => {
      const me = a.ws.users.member.userId;
      const seen = async (workspaceId: string | null) => {
        const outcome = await asCaller(sql, { kind: 'user', userId: me, workspaceId }, 'select distinct workspace_id from core.members');
        return 'data' in outcome ? outcome.data.map((r) => r.workspace_id) : outcome;
      };
      expect(await seen(a.ws.id)).toEqual([a.ws.id]);
      expect(await seen(b.id)).toEqual([b.id]);
      expect(await seen(null)).toEqual([]);
    });

    it('list only the workspace in scope in { members }, and every workspace with their role in each in viewer.workspaces', async () => {
      const token = a.ws.users.member.token;
      type Members = { members: Page<{ id: string }> };
      const members = expectData(await chief.request<Members>('{ members(first: 100) { edges { node { id } } } }', {}, { token }));
      const ids = members.members.edges.map((e) => e.node.id).sort();
      expect(ids).toEqual(Object.values(a.ws.users).map((u) => u.memberId).sort());
      type Roles = { viewer: { workspaces: { id: string; myRole: string }[] }; workspace: { id: string; myRole: string } };
      const viewer = expectData(await chief.request<Roles>('{ viewer { workspaces { id myRole } } workspace { id myRole } }', {}, { token }));
      expect(viewer.viewer.workspaces).toEqual([{ id: a.ws.id, myRole: 'MEMBER' }, { id: b.id, myRole: 'VIEWER' }]);
      expect(viewer.workspace).toEqual({ id: a.ws.id, myRole: 'MEMBER' });
      const inB = expectData(await chief.request<Members>('{ members(first: 100) { edges { node { id } } } }', {}, { token, workspaceId: b.id }));
      const idsInB = inB.members.edges.map((e) => e.node.id);
      expect(idsInB).toHaveLength(Object.keys(b.users).length + 1);
      expect(idsInB.filter((id) => ids.includes(id))).toEqual([]);
    });
  });

  describe('partner API keys', () => {
    it('with the READ scope read like a viewer and change nothing', async () => {
      expect(touched(await asCaller(sql, key('read'), 'select id from core.contacts'))).toBe(true);
      expect(touched(await asCaller(sql, key('read'), 'select id from core.members'))).toBe(true);
      expect(touched(await asCaller(sql, key('read'), 'select id from core.api_keys'))).toBe(false);
      expect(await writesThatGetThrough(key('read'))).toEqual([]);
    });

    it('with the WRITE scope change contacts and deals, never members, keys, integrations, founders or the workspace', async () => {
      const write = key('write');
      for (const table of ['core.contacts', 'core.deals']) {
        expect(touched(await asCaller(sql, write, `update ${table} set created_by = created_by where ${inA(table)}`)), table).toBe(true);
        expect(touched(await asCaller(sql, write, `delete from ${table} where ${inA(table)}`)), table).toBe(true);
      }
      // A key is not a member: what it makes names no member, and it may not borrow one's name.
      const contact = (createdBy: string | null) => copyRowStatement(sql, 'core.contacts', inA('core.contacts'), { created_by: createdBy, email: null });
      expect(touched(await asCaller(sql, write, await contact(null)))).toBe(true);
      expect(refused(await asCaller(sql, write, await contact(a.ws.users.member.memberId)))).toBe(true);
      const closed = ['core.api_keys', 'core.founders', 'core.integrations', 'core.members', 'core.workspaces'];
      expect(await writesThatGetThrough(write, closed)).toEqual([]);
      expect(touched(await asCaller(sql, write, 'select id from core.api_keys'))).toBe(false);
    });

    it('see nothing once revoked or expired, or outside their own workspace', async () => {
      for (const caller of [key('revoked'), key('expired'), key('write', b.id)]) {
        for (const table of tables) {
          expect(touched(await asCaller(sql, caller, `select 1 from ${table}`)), `${JSON.stringify(caller)} in ${table}`).toBe(false);
        }
        const role = await asCaller(sql, caller, 'select auth.caller_role() as role');
        expect(role).toEqual({ rows: 1, data: [{ role: null }] });
      }
    });

    it('are refused on the next request after revocation, even with a token signed before it', async () => {
      const token = await createInternalTokens(TEST_ENV.SUBGRAPH_SECRET).sign({ kind: 'apiKey', apiKeyId: a.keys.write, userId: null, workspaceId: a.ws.id, scopes: ['read', 'write'] });
      const ask = () => chief.request<{ contacts: Page<{ id: string }> }>('{ contacts(first: 1) { edges { node { id } } } }', {}, { url: chief.subgraphUrls.core, headers: { authorization: `Bearer ${token}` } });
      expect(expectData(await ask()).contacts.edges).toHaveLength(1);
      try {
        expectData(await chief.request('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: a.keys.write }, { token: a.ws.users.admin.token }));
        const refusedAfter = await ask();
        expect(errorOf(refusedAfter).code).toBe('UNAUTHENTICATED');
        expect(refusedAfter.body.data?.contacts ?? null).toBeNull();
      } finally {
        await sql.unsafe(`update core.api_keys set revoked_at = null where id = ${literal(a.keys.write)}`);
      }
    });
  });

  describe('background work (chief_service)', () => {
    it('sees nothing without a workspace, and only the named workspace with one', async () => {
      for (const table of tables) {
        expect(touched(await asCaller(sql, { kind: 'service', workspaceId: null }, `select 1 from ${table}`)), table).toBe(false);
        const column = tenantColumn(table);
        expect(touched(await asCaller(sql, { kind: 'service', workspaceId: a.ws.id }, `select 1 from ${table} where ${column} <> ${literal(a.ws.id)}`)), table).toBe(false);
        expect(touched(await asCaller(sql, { kind: 'service', workspaceId: a.ws.id }, `select 1 from ${table}`)), table).toBe(true);
      }
    });
  });
});
