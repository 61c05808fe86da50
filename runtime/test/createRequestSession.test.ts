import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql as drizzleSql } from 'drizzle-orm';
import { pgSchema, uuid } from 'drizzle-orm/pg-core';
import { createSqlClient, type SqlClient } from '@chief/db';
import { RequestSession, anyUuid, assertOutsideTransaction, runOperation, type Identity, type Session } from '../src/index.ts';
import type { RequestSessionOptions } from '../src/createRequestSession.ts';

// The services' own client and session, on the run's shared database, with a workspace of its own.
const sql = createSqlClient(inject('databaseUrl'), { max: 2, embedded: inject('databaseEmbedded') });
const userId = `session-owner-${process.pid}`;
let workspaceId: string;
const keys: Record<'read' | 'write' | 'revoked', string> = {} as never;

beforeAll(async () => {
  const [ws] = await sql.unsafe(
    `insert into core.workspaces (name, slug, created_by_user_id) values ('Sessions', 'sessions-' || substr(md5(random()::text), 1, 8), '${userId}') returning id`,
  );
  workspaceId = ws!.id;
  await sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${workspaceId}', '${userId}', 'owner', 'O')`);
  for (const [name, scopes, revoked] of [['read', 'read', false], ['write', 'read,write', false], ['revoked', 'read,write', true]] as const) {
    const [key] = await sql.unsafe(
      `insert into core.api_keys (workspace_id, name, prefix, key_hash, scopes, revoked_at)
       values ('${workspaceId}', '${name}', 'chief_${name}${process.pid}', md5(random()::text), string_to_array('${scopes}', ','), ${revoked ? 'now()' : 'null'}) returning id`,
    );
    keys[name] = key!.id;
  }
});
afterAll(async () => {
  await sql.unsafe(`delete from core.workspaces where id = '${workspaceId}'`);
  await sql.end();
});

/** core.workspaces as far as these tests read it. */
const workspaces = pgSchema('core').table('workspaces', { id: uuid('id').primaryKey() });

const person = (): Identity => ({ kind: 'user', userId, workspaceId, scopes: ['read', 'write'] });
const apiKey = (key: keyof typeof keys, scopes = ['read', 'write']): Identity => ({ kind: 'apiKey', apiKeyId: keys[key], userId: null, workspaceId, scopes });

/** Opens a session for `identity`, runs `fn` in it, and ends it (committed). */
async function inSession<T>(
  identity: Identity,
  fn: (session: Session) => Promise<T>,
  { client = sql, ...options }: RequestSessionOptions & { client?: SqlClient } = {},
): Promise<T> {
  const request = new RequestSession(client, identity, options);
  try {
    return await request.run(fn);
  } finally {
    await request.finish(true);
  }
}

describe('RequestSession', () => {
  it('prepares every statement, drizzle\'s and the claims\', where the pool prepares (not on the embedded server)', async () => {
    const prepared = await inSession(person(), async (s) => {
      await s.db.execute(drizzleSql`select ${workspaceId}::uuid as prepared_probe`);
      return (await s.sql<{ statement: string }[]>`select statement from pg_prepared_statements`).map((row) => row.statement);
    });
    const embedded = inject('databaseEmbedded');
    expect(prepared.some((statement) => statement.includes('prepared_probe')), 'the drizzle query').toBe(!embedded);
    expect(prepared.some((statement) => statement.includes('auth.caller_role()')), 'the claims statement').toBe(!embedded);
  });

  it('prepares a batch of ids of any size as one statement (anyUuid), where `in (...)` would make one per size', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const prepared = await inSession(person(), async (s) => {
      for (const n of [1, 2, 5]) await s.db.select({ id: workspaces.id }).from(workspaces).where(anyUuid(workspaces.id, [...ids(n), 'not-a-uuid']));
      return (await s.sql<{ statement: string }[]>`select statement from pg_prepared_statements`).map((row) => row.statement).filter((text) => text.includes('= any('));
    });
    expect(prepared).toHaveLength(inject('databaseEmbedded') ? 0 : 1);
  });

  it('reads one snapshot and writes nothing in a session marked read only, as every query\'s is', async () => {
    const request = new RequestSession(sql, person());
    request.readOnly = true;
    try {
      await request.run(async (s) => {
        expect((await s.sql`show transaction_isolation`)[0]!.transaction_isolation).toBe('repeatable read');
        await expect(s.sql`update core.workspaces set name = name where id = ${workspaceId}`).rejects.toMatchObject({ code: '25006' });
      });
    } finally {
      await request.finish(false);
    }
  });

  describe('statement timeout', () => {
    it('bounds every statement of a request transaction, set in the first statement', async () => {
      const setting = await inSession(person(), async (s) => (await s.sql`show statement_timeout`)[0]!.statement_timeout, { statementTimeoutMs: 1500 });
      expect(setting).toBe('1500ms');
    });

    it('leaves the server\'s setting to background work and to the next transaction on the connection', async () => {
      // One connection, so the next transaction is surely on the one the session used.
      const single = createSqlClient(inject('databaseUrl'), { max: 1, embedded: inject('databaseEmbedded') });
      try {
        const [server] = await single.begin((tx) => tx`show statement_timeout`);
        const background = await runOperation(single, person(), async (request) => (await request.run((s) => s.sql`show statement_timeout`))[0]!.statement_timeout);
        expect(background).toBe(server!.statement_timeout);
        await inSession(person(), async () => undefined, { statementTimeoutMs: 1500, client: single });
        const [after] = await single.begin((tx) => tx`show statement_timeout`);
        expect(after!.statement_timeout).toBe(server!.statement_timeout);
      } finally {
        await single.end();
      }
    });

    it.skipIf(inject('databaseEmbedded'))('cancels a statement that runs past it (57014)', async () => {
      // PGlite, single-threaded WASM, has no timer to cancel a running statement; Postgres does.
      await expect(inSession(person(), (s) => s.sql`select pg_sleep(2)`, { statementTimeoutMs: 200 })).rejects.toMatchObject({ code: '57014' });
    });
  });

  describe('partner API keys', () => {
    it('run as chief_app with the key claim, the role the database gives the key, and no member', async () => {
      const seen = await inSession(apiKey('write'), async (s) => ({
        role: s.role,
        memberId: s.memberId,
        db: (await s.sql`select current_user as u, current_setting('chief.api_key_id') as k, auth.member_id() as m`)[0],
      }));
      expect(seen).toEqual({ role: 'member', memberId: null, db: { u: 'chief_app', k: keys.write, m: null } });
      expect(await inSession(apiKey('read', ['read']), async (s) => s.role)).toBe('viewer');
    });

    it('are refused by the database when revoked, whatever the token said', async () => {
      await expect(inSession(apiKey('revoked'), async () => undefined)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    });
  });

  it('refuses background work that names no workspace', async () => {
    await expect(inSession({ kind: 'service', userId: null, workspaceId: null, scopes: ['read', 'write'] }, async () => undefined)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

describe('transaction scopes', () => {
  it('hold no pooled connection while outsideTransaction waits (on the network, say), and reopen after it', async () => {
    // One connection: while a transaction holds it, nothing else on this pool can run.
    const single = createSqlClient(inject('databaseUrl'), { max: 1, embedded: inject('databaseEmbedded') });
    try {
      const count = async () => Number((await single.unsafe(`select count(*)::int as n from core.workspaces`))[0]!.n);
      const observed = await runOperation(single, person(), async (request) => {
        const before = await request.run(async (session) => (await session.sql`select count(*)::int as n from core.workspaces`)[0]!.n);
        // Released: the only connection serves another caller while the request waits.
        const during = await request.outsideTransaction(count);
        const after = await request.run(async (session) => (await session.sql`select 1 as one`)[0]!.one);
        return { before, during, after };
      });
      expect(observed.during).toBeGreaterThanOrEqual(0);
      expect(observed.after).toBe(1);
    } finally {
      await single.end();
    }
  });

  it('refuse to end a transaction early once it has written, or from inside a scope', async () => {
    await runOperation(sql, person(), async (request) => {
      await request.mutate((session) => session.sql`select 1`);
      await expect(request.outsideTransaction(async () => 1)).rejects.toThrow(/after a write/);
    });
    await runOperation(sql, person(), async (request) => {
      await expect(request.run(() => request.outsideTransaction(async () => 1))).rejects.toThrow(/inside a transaction scope/);
    });
  });

  it('let network clients refuse to run while the request holds a transaction', async () => {
    const call = () => assertOutsideTransaction('An embeddings call');
    await runOperation(sql, person(), async (request) => {
      expect(call).not.toThrow(); // nothing opened yet: read, release, call, then write
      await request.run(async () => expect(call).toThrow(/An embeddings call waits on the network/));
      expect(call).toThrow(/holds a transaction/); // out of the scope, but the transaction is still open
      await request.outsideTransaction(async () => expect(call).not.toThrow());
    });
  });
});
