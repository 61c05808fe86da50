import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { appendEvent, eventCatalog, eventEntities, runOperation, subgraphNames, type Identity, type Session } from '../src/index.ts';

// The services' own client and session, on the run's shared database, with a workspace of its own.
const sql = createSqlClient(inject('databaseUrl'), { max: 2, embedded: inject('databaseEmbedded') });
const userId = `events-owner-${process.pid}`;
let identity: Identity;

beforeAll(async () => {
  const [ws] = await sql.unsafe(
    `insert into core.workspaces (name, slug, created_by_user_id) values ('Events', 'events-' || substr(md5(random()::text), 1, 8), '${userId}') returning id`,
  );
  await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${ws!.id}', '${userId}', 'owner', 'O')`);
  identity = { kind: 'user', userId, workspaceId: ws!.id, scopes: ['read', 'write'] };
});
afterAll(() => sql.end());

/** Appends one event and reads the id of the transaction it ran in. */
async function appendInTransaction(session: Session, label: string) {
  const event = await appendEvent(session, { type: 'core.workspace.updated', entityId: identity.workspaceId!, payload: { name: label } });
  const [{ xid }] = (await session.sql`select pg_current_xact_id()::text as xid`) as unknown as [{ xid: string }];
  return { ...event, transactionXid: xid };
}

/** What the log holds for the given event ids, read as the owner (past row-level security). */
async function stored(ids: string[]) {
  if (!ids.length) return [];
  return sql.unsafe<{ id: string; seq: string; xid: string }[]>(
    `select id, seq::text as seq, xid::text as xid from ops.events where id in (${ids.map((id) => `'${id}'`).join(',')}) order by seq`,
  );
}

describe('ops.events through appendEvent', () => {
  it('gives every append a strictly greater seq, in one transaction and across transactions', async () => {
    const appended: { id: string; seq: string }[] = [];
    await runOperation(sql, identity, (request) =>
      request.mutate(async (session) => {
        for (const label of ['a', 'b', 'c']) appended.push(await appendInTransaction(session, label));
      }),
    );
    for (const label of ['d', 'e', 'f']) {
      appended.push(await runOperation(sql, identity, (request) => request.mutate((session) => appendInTransaction(session, label))));
    }
    const seqs = appended.map((e) => BigInt(e.seq));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!, `seq ${seqs[i]} after ${seqs[i - 1]}`).toBe(true);
    expect((await stored(appended.map((e) => e.id))).map((e) => e.id)).toEqual(appended.map((e) => e.id));
  });

  it("records the writing transaction's pg_current_xact_id() as xid", async () => {
    const sameTransaction = await runOperation(sql, identity, (request) =>
      request.mutate(async (session) => [await appendInTransaction(session, 'x1'), await appendInTransaction(session, 'x2')]),
    );
    const otherTransaction = await runOperation(sql, identity, (request) => request.mutate((session) => appendInTransaction(session, 'y')));
    const events = [...sameTransaction, otherTransaction];
    const rows = new Map((await stored(events.map((e) => e.id))).map((r) => [r.id, r.xid]));
    for (const event of events) expect(rows.get(event.id)).toBe(event.transactionXid);
    expect(sameTransaction[0]!.transactionXid).toBe(sameTransaction[1]!.transactionXid);
    expect(otherTransaction.transactionXid).not.toBe(sameTransaction[0]!.transactionXid);
  });

  it('keeps no event appended in a transaction that rolled back', async () => {
    const appended: string[] = [];
    await expect(
      runOperation(sql, identity, (request) =>
        request.mutate(async (session) => {
          appended.push((await appendInTransaction(session, 'rolled back')).id);
          throw new Error('the operation fails after its append');
        }),
      ),
    ).rejects.toThrow(/fails after its append/);
    expect(appended).toHaveLength(1);
    expect(await stored(appended)).toEqual([]);
  });

  it('keeps no event of a failed mutation while the operation commits the one before it', async () => {
    const appended: string[] = [];
    await runOperation(sql, identity, async (request) => {
      await request.mutate(async (session) => appended.push((await appendInTransaction(session, 'kept')).id));
      await request
        .mutate(async (session) => {
          appended.push((await appendInTransaction(session, 'undone')).id);
          throw new Error('this mutation fails');
        })
        .catch(() => undefined);
    });
    expect((await stored(appended)).map((r) => r.id)).toEqual([appended[0]]);
  });

  it('accepts only catalogued types, with the payload their schema describes: a mutation whose event does not match fails and writes nothing', async () => {
    const count = async (table: string, where = 'true') =>
      Number((await sql.unsafe(`select count(*)::int as n from ${table} where workspace_id = '${identity.workspaceId}' and ${where}`))[0]!.n);
    const attempts: [string, Record<string, unknown>, RegExp][] = [
      ['core.workspace.exploded', { name: 'x' }, /not in the event catalog/],
      ['constructor', { name: 'x' }, /not in the event catalog/],
      ['core.founder.created', { name: 42 }, /name/],
      ['core.founder.created', { name: 'x', secret: 'leaked' }, /secret/],
      ['work.task.created', { title: 'No status' }, /status/],
    ];
    for (const [type, payload, reason] of attempts) {
      const [events, founders] = [await count('ops.events'), await count('core.founders')];
      // One operation: a good mutation, then one that writes a row and appends a bad event.
      await runOperation(sql, identity, async (request) => {
        await request.mutate((session) => appendInTransaction(session, 'kept'));
        await expect(
          request.mutate(async (session) => {
            const [founder] = await session.sql`insert into core.founders (workspace_id, display_name, email) values (${identity.workspaceId}, 'Orphan', 'orphan@founders.test') returning id`;
            await appendEvent(session, { type, entityId: founder!.id, payload } as never);
          }),
        ).rejects.toThrow(reason);
      });
      expect(await count('ops.events')).toBe(events + 1);
      expect(await count('core.founders')).toBe(founders);
    }
  });
});

describe('the event catalog', () => {
  it('names every type {domain}.{entity}.{action}: a subgraph of the manifest, the entity it is about, a verb', () => {
    for (const [type, definition] of Object.entries(eventCatalog)) {
      const [domain, entity, action] = type.split('.');
      expect(subgraphNames, type).toContain(domain);
      expect(entity, type).toBe(definition.entity);
      expect(Object.keys(eventEntities), type).toContain(entity);
      expect(action, type).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });
});
