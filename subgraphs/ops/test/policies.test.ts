/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, copyRowStatement, refused, tablesIn, touched, type Caller } from '../../../test/support/asCaller.ts';
import { seedPolicyWorkspace, type PolicyWorkspace } from '../../../test/support/seedPolicyWorkspace.ts';
import { startTestChief, type TestChief } from '../../../test/support/startTestChief.ts';
import { type WorkspaceFixture } from '../../core/test/fixtures.ts';

// Row-level security of the event log: only members who may write append, and what they append
// names them as its actor, the way appendEvent writes it (a person by subject, a key by id).
describe('row-level security of the event log', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let a: PolicyWorkspace;
  let tables: string[];
  let logTables: string[];

  const user = (role: keyof WorkspaceFixture['users']): Caller => ({ kind: 'user', userId: a.ws.users[role].userId, workspaceId: a.ws.id });
  const key = (state: keyof PolicyWorkspace['keys']): Caller => ({ kind: 'apiKey', apiKeyId: a.keys[state], workspaceId: a.ws.id });
  const inA = () => `workspace_id = ${literal(a.ws.id)}`;
  const event = (actorType: string, actorId: string) => copyRowStatement(sql, 'ops.events', inA(), { actor_type: actorType, actor_id: actorId });
  const actor = (role: string, actorType: string, actorId: string) =>
    copyRowStatement(sql, 'ops.event_actors', inA(), { role, actor_type: actorType, actor_id: actorId });

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    a = await seedPolicyWorkspace(chief, sql, 'Log Policies');
    tables = await tablesIn(sql, 'ops');
    // The log is the tables of ops the database keeps append-only (ops also keeps idempotency keys; flows has its own ledgers).
    const appendOnly = await sql.unsafe(`select distinct c.oid::regclass::text as t from pg_trigger g join pg_class c on c.oid = g.tgrelid where g.tgname = 'refuse_change' and c.relnamespace = 'ops'::regnamespace order by 1`);
    logTables = appendOnly.map((r) => r.t as string);
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('records what the application appends with the caller as actor and as origin', async () => {
    const { member } = a.ws.users;
    const [made] = await sql.unsafe(
      `select e.actor_type, e.actor_id, x.actor_type as origin_type, x.actor_id as origin_id
         from ops.events e join ops.event_actors x on x.workspace_id = e.workspace_id and x.event_id = e.id and x.role = 'origin'
        where e.${inA()} and e.type = 'work.task.created' and e.entity_id = ${literal(a.tasks.member)}`,
    );
    expect(made).toEqual({ actor_type: 'user', actor_id: member.userId, origin_type: 'user', origin_id: member.userId });
  });

  it('lets viewers and read-only keys append nothing to any table of the log', async () => {
    expect(logTables).toEqual(['ops.event_actors', 'ops.event_links', 'ops.events']);
    for (const caller of [user('viewer'), key('read')]) {
      for (const table of logTables) {
        expect(refused(await asCaller(sql, caller, await copyRowStatement(sql, table, inA()))), `${caller.kind} into ${table}`).toBe(true);
      }
      expect(refused(await asCaller(sql, caller, await event('user', a.ws.users.viewer.userId)))).toBe(true);
    }
  });

  it('refuses a member\'s event that names another actor', async () => {
    const { member, owner } = a.ws.users;
    expect(touched(await asCaller(sql, user('member'), await event('user', member.userId)))).toBe(true);
    for (const [actorType, actorId] of [['user', owner.userId], ['api_key', a.keys.write], ['system', 'service'], ['agent', member.userId]]) {
      expect(refused(await asCaller(sql, user('member'), await event(actorType!, actorId!))), `${actorType} ${actorId}`).toBe(true);
    }
  });

  it('refuses an origin actor other than the caller, and lets the caller name targets', async () => {
    const { member, owner } = a.ws.users;
    expect(touched(await asCaller(sql, user('member'), await actor('origin', 'user', member.userId)))).toBe(true);
    expect(refused(await asCaller(sql, user('member'), await actor('origin', 'user', owner.userId)))).toBe(true);
    expect(touched(await asCaller(sql, user('member'), await actor('target', 'user', owner.userId)))).toBe(true);
  });

  it('lets a write key append events that name the key, and no other actor', async () => {
    expect(touched(await asCaller(sql, key('write'), await event('api_key', a.keys.write)))).toBe(true);
    expect(touched(await asCaller(sql, key('write'), await actor('origin', 'api_key', a.keys.write)))).toBe(true);
    for (const [actorType, actorId] of [['api_key', a.keys.read], ['user', a.ws.users.owner.userId], ['user', '']]) {
      expect(refused(await asCaller(sql, key('write'), await event(actorType!, actorId!))), `${actorType} ${actorId}`).toBe(true);
    }
    expect(refused(await asCaller(sql, key('revoked'), await event('api_key', a.keys.revoked)))).toBe(true);
  });

  it('keeps each caller to their own idempotency keys', async () => {
    const { member, owner } = a.ws.users;
    const keys = (caller: Caller) => asCaller(sql, caller, `select key from ops.idempotency_keys`);
    const seen = await keys(user('member'));
    expect('data' in seen && seen.data.map((r) => r.key)).toEqual(['link-member']);
    const claim = (actorType: string, actorId: string) => copyRowStatement(sql, 'ops.idempotency_keys', `${inA()} and key = 'link-member'`, { actor_type: actorType, actor_id: actorId, key: 'claimed' });
    expect(touched(await asCaller(sql, user('member'), await claim('user', member.userId)))).toBe(true);
    expect(refused(await asCaller(sql, user('member'), await claim('user', owner.userId)))).toBe(true);
    expect(refused(await asCaller(sql, key('write'), await claim('user', member.userId)))).toBe(true);
    // Another's key can be neither replayed nor completed nor given back.
    for (const statement of [`update ops.idempotency_keys set responses = '{}' where key = 'link-owner'`, `delete from ops.idempotency_keys where key = 'link-owner'`]) {
      expect(touched(await asCaller(sql, user('member'), statement)), statement).toBe(false);
      expect(touched(await asCaller(sql, user('owner'), statement)), statement).toBe(true);
    }
  });

  it('lets background work (chief_service) see nothing without a workspace', async () => {
    for (const table of tables) {
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: null }, `select 1 from ${table}`)), table).toBe(false);
      expect(touched(await asCaller(sql, { kind: 'service', workspaceId: a.ws.id }, `select 1 from ${table}`)), table).toBe(true);
    }
  });
});
