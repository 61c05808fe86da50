import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type TestChief, type Ids } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

describe('idempotency keys on mutations', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Retries');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  const createTask = 'mutation($title: String!) { createTask(input: { title: $title }) { id title } }';
  const send = <TData = { createTask: { id: string; title: string } }>(query: string, variables: Record<string, unknown>, key: string | undefined, token = ws.users.member.token) =>
    chief.request<TData>(query, variables, { token, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const count = async (table: string, where: string) =>
    Number((await sql.unsafe(`select count(*)::int as n from ${table} where workspace_id = ${literal(ws.id)} and ${where}`))[0]!.n);
  const events = () => count('ops.events', 'true');

  it('answers a retry with the first response and writes nothing more', async () => {
    const key = randomUUID();
    const title = `Once ${key}`;
    const first = await send(createTask, { title }, key);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const afterFirst = await events();
    const retry = await send(createTask, { title }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await count('work.tasks', `title = ${literal(title)}`)).toBe(1);
    expect(await events()).toBe(afterFirst);
  });

  it('covers every subgraph a mutation reaches, each part once', async () => {
    const key = randomUUID();
    const both = `mutation($name: String!, $title: String!) {
      contact: createContact(input: { name: $name }) { id }
      task: createTask(input: { title: $title }) { id }
    }`;
    const variables = { name: `Both ${key}`, title: `Both ${key}` };
    const first = expectData(await send(both, variables, key));
    const retry = await send(both, variables, key);
    expect(expectData(retry)).toEqual(first);
    expect(await count('core.contacts', `full_name = ${literal(variables.name)}`)).toBe(1);
    expect(await count('work.tasks', `title = ${literal(variables.title)}`)).toBe(1);
  });

  it('refuses the same key on a different request with 422 IDEMPOTENCY_KEY_REUSED, writing nothing', async () => {
    const key = randomUUID();
    expectData(await send(createTask, { title: `First ${key}` }, key));
    const before = await events();
    const other = await send(createTask, { title: `Second ${key}` }, key);
    expect(other.status).toBe(422);
    expect(errorOf(other).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.data).toEqual({ createTask: null });
    expect(await count('work.tasks', `title = ${literal(`Second ${key}`)}`)).toBe(0);
    expect(await events()).toBe(before);
  });

  it('keeps keys per caller: another member\'s same key is a key of their own', async () => {
    const key = randomUUID();
    expectData(await send(createTask, { title: `Mine ${key}` }, key));
    const theirs = await send(createTask, { title: `Theirs ${key}` }, key, ws.users.admin.token);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(expectData(theirs).createTask.title).toBe(`Theirs ${key}`);
  });

  it('keeps nothing when nothing was written, so the corrected request may use the key', async () => {
    const key = randomUUID();
    const refused = await send('mutation { createDeal(input: { title: "Big", probability: 150 }) { id } }', {}, key);
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.probability' });
    const corrected = expectData(await send<Ids<'createDeal'>>('mutation { createDeal(input: { title: "Big", probability: 50 }) { id } }', {}, key));
    expect(corrected.createDeal.id).toBeTruthy();
  });

  it('answers one of two identical concurrent requests from the other', async () => {
    const key = randomUUID();
    const title = `Twice at once ${key}`;
    const [a, b] = await Promise.all([send(createTask, { title }, key), send(createTask, { title }, key)]);
    expect(expectData(a).createTask.id).toBe(expectData(b).createTask.id);
    expect(await count('work.tasks', `title = ${literal(title)}`)).toBe(1);
  });

  it('answers a retry after an answer that never arrived (the connection dropped after the commit)', async () => {
    const key = randomUUID();
    const title = `Lost answer ${key}`;
    const body = JSON.stringify({ query: createTask, variables: { title } });
    const { hostname, port } = new URL(chief.gatewayUrl);
    const socket = connect(Number(port), hostname);
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\nauthorization: Bearer ${ws.users.member.token}\r\n` +
        `idempotency-key: ${key}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // The client learns nothing: it drops the connection once the task is committed.
    for (let i = 0; i < 200 && (await count('work.tasks', `title = ${literal(title)}`)) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    socket.destroy();
    const retry = await send(createTask, { title }, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(expectData(retry).createTask.title).toBe(title);
    expect(await count('work.tasks', `title = ${literal(title)}`)).toBe(1);
  });

  it('covers a caller outside any workspace: creating their first workspace', async () => {
    const key = randomUUID();
    const token = await chief.token(`newcomer|${key}`);
    const create = 'mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }';
    const variables = { input: { name: `Fresh ${key}`, ownerName: 'Newcomer' } };
    const first = expectData(await send(create, variables, key, token));
    const retry = await send(create, variables, key, token);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(expectData(retry)).toEqual(first);
    expect(Number((await sql.unsafe(`select count(*)::int as n from core.workspaces where name = ${literal(variables.input.name)}`))[0]!.n)).toBe(1);
  });

  it('refuses a caller who may not act here the same way with or without a key', async () => {
    const outsider = await chief.token(`outsider|${randomUUID()}`, { workspaceId: ws.id });
    const result = await send(createTask, { title: 'Trespass' }, randomUUID(), outsider);
    expect(errorOf(result).code).toBe('FORBIDDEN');
  });

  it('is not taken for createApiKey, whose secret is shown once and never stored', async () => {
    const result = await send('mutation { createApiKey(input: { name: "Retried" }) { secret } }', {}, randomUUID(), ws.users.owner.token);
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    expect(await count('core.api_keys', `name = 'Retried'`)).toBe(0);
    expect(JSON.stringify(await sql.unsafe(`select responses from ops.idempotency_keys`))).not.toMatch(/chief_[\w-]{8}_/);
  });

  it('rolls the mutation back when its answer cannot be kept, and the next request goes on', async () => {
    // A trigger that refuses completing this one key: the mutation must not commit unprotected.
    const key = `unkept-${randomUUID()}`;
    const trigger = `test_refuse_key_${process.pid}`;
    await sql.unsafe(`create or replace function ops.${trigger}() returns trigger language plpgsql as $$
      begin if new.key = ${literal(key)} and new.responses <> '{}'::jsonb then raise exception 'refused by test'; end if; return new; end $$`);
    await sql.unsafe(`create trigger ${trigger} before update on ops.idempotency_keys for each row execute function ops.${trigger}()`);
    try {
      const title = `Unkept ${key}`;
      const result = await send(createTask, { title }, key);
      expect(errorOf(result).code).toBe('INTERNAL');
      expect(await count('work.tasks', `title = ${literal(title)}`)).toBe(0);
    } finally {
      await sql.unsafe(`drop trigger if exists ${trigger} on ops.idempotency_keys; drop function if exists ops.${trigger}()`);
    }
    expectData(await send(createTask, { title: `After ${key}` }, randomUUID()));
  });

  it('refuses a key that is not one, before anything runs', async () => {
    chief.statements.reset();
    for (const key of ['', 'has spaces', 'x'.repeat(256), 'naïve']) {
      const result = await chief.request(createTask, { title: 'Never' }, { token: ws.users.member.token, headers: { 'idempotency-key': key } });
      expect(result.status, JSON.stringify(result.body)).toBe(400);
      expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    }
    expect(chief.statements.count).toBe(0);
  });
});
