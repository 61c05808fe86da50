/// <reference path="./providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './databaseOwner.ts';
import { asCaller, copyRowStatement, refused, tablesIn, touched, type Caller } from './asCaller.ts';
import { seedPolicyWorkspace, type PolicyWorkspace } from './seedPolicyWorkspace.ts';
import { startTestChief, type TestChief } from './startTestChief.ts';
import type { WorkspaceFixture } from '../../subgraphs/core/test/fixtures.ts';

export interface IngestedPolicies {
  /** The domain's Postgres schema. */
  schema: string;
  /** Tables it must hold (every table of the schema is probed). */
  tables: string[];
  /** Tables of a parent's parts, owned through their parent: a member may add none to someone else's parent. */
  parts?: string[];
  /**
   * What a copy of a row `where` names must change to be a new row (beyond its id and external
   * id): a free parent for a one-per-parent table, a free position for an ordered one.
   */
  fresh?: Record<string, (sql: OwnerSql, where: string) => Promise<Record<string, unknown>>>;
  /** Tables only admins and owners write (a workspace's settings): members change none of their rows. */
  adminOnly?: string[];
  /** Ledgers (checkpoints, usage): rows are added, and every update or delete is refused by the database, whoever asks. */
  appendOnly?: string[];
  /** Tables people write and API keys do not (budgets: a limit is what holds an agent back). */
  peopleOnly?: string[];
}

export interface PolicyScope {
  sql: () => OwnerSql;
  a: () => PolicyWorkspace;
  user: (role: keyof WorkspaceFixture['users']) => Caller;
  byMember: (memberId: string) => string;
}

/**
 * Row-level security of an ingesting domain's tables, at the SQL level under chief_app with each
 * caller's claims (what a request runs as): viewers and READ keys write nothing, members change
 * what they ingested and only that, WRITE keys change any row, revoked and expired keys and
 * background work without a workspace see nothing. Every SQL probe is rolled back. `more` adds
 * the domain's own cases.
 */
export function describeIngestedPolicies(spec: IngestedPolicies, more?: (scope: PolicyScope) => void) {
  describe(`row-level security of ${spec.schema}`, () => {
    let chief: TestChief;
    let sql: OwnerSql;
    let a: PolicyWorkspace;
    let tables: string[];

    const user = (role: keyof WorkspaceFixture['users']): Caller => ({ kind: 'user', userId: a.ws.users[role].userId, workspaceId: a.ws.id });
    const key = (state: keyof PolicyWorkspace['keys']): Caller => ({ kind: 'apiKey', apiKeyId: a.keys[state], workspaceId: a.ws.id });
    const inA = () => `workspace_id = ${literal(a.ws.id)}`;
    const byMember = (memberId: string) => `${inA()} and created_by = ${literal(memberId)}`;
    const copy = async (table: string, where: string, overrides: Record<string, unknown> = {}) =>
      copyRowStatement(sql, table, where, { external_id: `copy-${Date.now()}`, ...(await spec.fresh?.[table]?.(sql, where)), ...overrides });

    beforeAll(async () => {
      chief = await startTestChief();
      sql = connectAsOwner();
      a = await seedPolicyWorkspace(chief, sql, `${spec.schema} policies`);
      tables = await tablesIn(sql, spec.schema);
    });
    afterAll(async () => {
      await sql?.end();
      await chief?.stop();
    });

    async function writesThatGetThrough(caller: Caller): Promise<string[]> {
      const through: string[] = [];
      for (const table of tables) {
        const insert = await asCaller(sql, caller, await copy(table, inA()));
        if (!refused(insert)) through.push(`insert into ${table}: ${JSON.stringify(insert)}`);
        if (touched(await asCaller(sql, caller, `update ${table} set workspace_id = workspace_id where ${inA()}`))) through.push(`update ${table}`);
        if (touched(await asCaller(sql, caller, `delete from ${table} where ${inA()}`))) through.push(`delete from ${table}`);
      }
      return through;
    }

    it(`lets viewers and READ keys write nothing in any ${spec.schema} table, though they read them`, async () => {
      expect(tables).toEqual(expect.arrayContaining(spec.tables));
      for (const caller of [user('viewer'), key('read')]) {
        expect(await writesThatGetThrough(caller)).toEqual([]);
        for (const table of tables) expect(touched(await asCaller(sql, caller, `select id from ${table}`)), table).toBe(true);
      }
    });

    it('lets members change what they ingested and not what others did, and not name someone else as its maker', async () => {
      const { owner, member } = a.ws.users;
      for (const table of tables) {
        if (spec.adminOnly?.includes(table)) {
          expect(touched(await asCaller(sql, user('member'), `update ${table} set workspace_id = workspace_id where ${inA()}`)), table).toBe(false);
          expect(touched(await asCaller(sql, user('admin'), `update ${table} set workspace_id = workspace_id where ${inA()}`)), table).toBe(true);
          continue;
        }
        expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember(owner.memberId)}`)), table).toBe(false);
        if (spec.appendOnly?.includes(table)) {
          for (const statement of [`update ${table} set created_by = created_by where ${byMember(member.memberId)}`, `delete from ${table} where ${byMember(member.memberId)}`]) {
            expect(await asCaller(sql, user('admin'), statement), statement).toEqual({ error: '42501' });
          }
        } else {
          expect(touched(await asCaller(sql, user('member'), `update ${table} set created_by = created_by where ${byMember(member.memberId)}`)), table).toBe(true);
        }
        const as = (memberId: string) => copy(table, byMember(member.memberId), { created_by: memberId, external_id: `copy-${memberId}` });
        expect(refused(await asCaller(sql, user('member'), await as(owner.memberId))), table).toBe(true);
        // Written, not merely let through: a copy that collided with a key would prove nothing.
        expect(await asCaller(sql, user('member'), await as(member.memberId)), table).toMatchObject({ rows: 1 });
      }
    });

    it('lets a member add no part to a parent that is not theirs', async () => {
      const { owner, member } = a.ws.users;
      for (const table of spec.parts ?? []) {
        // The owner's row, copied as the member's own: attributed right, under the owner's parent.
        const statement = await copy(table, byMember(owner.memberId), { created_by: member.memberId });
        expect(refused(await asCaller(sql, user('member'), statement)), table).toBe(true);
        expect(await asCaller(sql, user('admin'), await copy(table, byMember(owner.memberId), { created_by: a.ws.users.admin.memberId })), table).toMatchObject({ rows: 1 });
      }
    });

    it('lets WRITE keys change any row, and revoked or expired keys nothing', async () => {
      for (const table of tables) {
        if (spec.adminOnly?.includes(table) || spec.appendOnly?.includes(table)) continue;
        const update = await asCaller(sql, key('write'), `update ${table} set workspace_id = workspace_id where ${byMember(a.ws.users.owner.memberId)}`);
        expect(touched(update), table).toBe(!spec.peopleOnly?.includes(table));
      }
      for (const table of spec.peopleOnly ?? []) expect(refused(await asCaller(sql, key('write'), await copy(table, inA(), { created_by: null }))), table).toBe(true);
      for (const table of spec.appendOnly ?? []) {
        expect(await asCaller(sql, key('write'), await copy(table, byMember(a.ws.users.owner.memberId), { created_by: null })), table).toMatchObject({ rows: 1 });
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

    more?.({ sql: () => sql, a: () => a, user, byMember });
  });
}
