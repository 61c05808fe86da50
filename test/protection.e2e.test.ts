import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, errorOf, expectData, startTestChief, type GraphQLResult, type TestChief, type WorkspaceFixture } from './support/startTestChief.ts';

/** Refused at the gateway: the error is the gateway's own (no subgraph named it) and no SQL ran. */
function expectRefusedAtGateway(chief: TestChief, result: GraphQLResult, code: string, status = 400) {
  expect(errorOf(result).code, JSON.stringify(result.body)).toBe(code);
  expect(result.status).toBe(status);
  expect(result.body.errors?.[0]?.extensions?.serviceName).toBeUndefined();
  expect(result.body.data ?? null).toBeNull();
  expect(chief.statements.count).toBe(0);
}

describe('operation limits at the gateway', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief({ MAX_QUERY_DEPTH: '6', MAX_ALIASES: '3', MAX_QUERY_COST: '500', MAX_TOKENS: '300', MAX_BODY_BYTES: '4000', INTROSPECTION: 'false' });
    ws = await createWorkspaceFixture(chief, 'Limits');
    chief.statements.reset();
  });
  afterAll(() => chief?.stop());
  const ask = (query: string, variables: Record<string, unknown> = {}) => chief.request(query, variables, { token: ws.users.owner.token });

  it('refuses an operation deeper than the limit, counting through fragments', async () => {
    const deep = `{ tasks { edges { node { ...Owner } } } } fragment Owner on Task { assignee { assignedTasks { edges { node { id } } } } }`;
    expectRefusedAtGateway(chief, await ask(deep), 'DEPTH_LIMIT_EXCEEDED');
    expect(errorOf(await ask(deep)).message).toBe('The operation is 8 levels deep; the limit is 6');
  });

  it('refuses more aliases than the limit', async () => {
    expectRefusedAtGateway(chief, await ask('{ a: viewer { userId } b: viewer { userId } c: viewer { userId } d: viewer { userId } }'), 'ALIAS_LIMIT_EXCEEDED');
  });

  it('refuses an operation whose cost (list fields times page size) is over the limit, variables included', async () => {
    const query = 'query($n: Int!) { tasks(first: $n) { edges { node { id title status } } } }';
    expectRefusedAtGateway(chief, await ask(query, { n: 100 }), 'COST_LIMIT_EXCEEDED');
    expect(errorOf(await ask(query, { n: 100 })).message).toBe('The operation costs 600 (list fields count their page size); the limit is 500');
    expectData(await ask(query, { n: 10 }));
  });

  it('refuses a document with more tokens than the limit', async () => {
    chief.statements.reset();
    expectRefusedAtGateway(chief, await ask(`{ viewer { ${'userId '.repeat(300)} } }`), 'TOKEN_LIMIT_EXCEEDED');
  });

  it('refuses a body over the size limit', async () => {
    const result = await ask(`{ viewer { userId } } # ${'x'.repeat(5000)}`);
    expect(result.status).toBe(413);
    expect(errorOf(result).code).toBe('BAD_REQUEST');
  });

  it('turns introspection off when configured', async () => {
    const result = await ask('{ __schema { types { name } } }');
    expect(errorOf(result).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorOf(result).message).toMatch(/introspection is not allowed/i);
  });

  it('refuses an over-limit operation from an API key before looking the key up at core', async () => {
    const created = expectData(await ask('mutation { createApiKey(input: { name: "Deep", scopes: [READ] }) { secret } }'));
    chief.statements.reset();
    const headers = { 'x-api-key': created.createApiKey.secret };
    const deep = `{ tasks { edges { node { assignee { assignedTasks { edges { node { assignee { id } } } } } } } } }`;
    expectRefusedAtGateway(chief, await chief.request(deep, {}, { headers }), 'DEPTH_LIMIT_EXCEEDED');
    const badVariables = await chief.request('query($n: Int!) { tasks(first: $n) { edges { node { id } } } }', { n: 'ten' }, { headers });
    expect(errorOf(badVariables)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'n' });
    expect(chief.statements.count).toBe(0);
  });

  it('refuses a mutation from a read-only key at the gateway', async () => {
    const created = expectData(await ask('mutation { createApiKey(input: { name: "RO", scopes: [READ] }) { secret } }'));
    chief.statements.reset();
    const result = await chief.request('mutation { createTask(input: { title: "No" }) { id } }', {}, { headers: { 'x-api-key': created.createApiKey.secret } });
    expect(errorOf(result)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/may run queries, not mutations/) });
    expect(result.body.errors?.[0]?.extensions?.serviceName).toBeUndefined();
  });
});

describe('introspection without credentials', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief();
  });
  afterAll(() => chief?.stop());

  it('refuses introspection nested deep enough to explode (graphql-js MaxIntrospectionDepthRule)', async () => {
    const nested = '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }';
    const result = await chief.request(nested);
    expect(errorOf(result).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorOf(result).message).toMatch(/Maximum introspection depth exceeded/);
  });
});

describe('request timeout', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ REQUEST_TIMEOUT_MS: '1' });
  });
  afterAll(() => chief?.stop());

  it('answers 504 TIMEOUT when a request runs past the limit', async () => {
    // 1 ms is shorter than any request that reaches a subgraph.
    const result = await chief.request('{ viewer { userId workspaces { id name } } }', {}, { token: await chief.token(`timed|${Date.now()}`) });
    expect(result.status).toBe(504);
    expect(errorOf(result).code).toBe('TIMEOUT');
  });
});

describe('rate limits in memory', () => {
  let chief: TestChief;
  beforeAll(async () => {
    // Room for the fixture's own requests (six by its owner) under the user limit. An hour's
    // window: a burst refills one request every 450 s, far longer than any test runs.
    chief = await startTestChief({ RATE_LIMIT_USER_MAX: '8', RATE_LIMIT_KEY_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
  });
  afterAll(() => chief?.stop());

  it('answers 429 RATE_LIMITED with Retry-After once a user is over the limit, and counts users apart', async () => {
    const token = await chief.token(`busy|${Date.now()}`);
    for (let i = 0; i < 8; i++) expectData(await chief.request('{ viewer { userId } }', {}, { token }));
    chief.statements.reset();
    const response = await fetch(chief.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { userId } }' }),
    });
    expect(response.status).toBe(429);
    // After a burst of the whole limit, the next request is due one interval (3600 s / 8) after
    // the burst began, not at the end of a window.
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(400);
    expect(retryAfter).toBeLessThanOrEqual(450);
    const body = (await response.json()) as GraphQLResult['body'];
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(chief.statements.count).toBe(0);
    expectData(await chief.request('{ viewer { userId } }', {}, { token: await chief.token(`calm|${Date.now()}`) }));
  });

  it('limits each API key on its own budget', async () => {
    const ws = await createWorkspaceFixture(chief, 'Keyed');
    const { createApiKey } = expectData(await chief.request('mutation { createApiKey(input: { name: "Busy" }) { secret } }', {}, { token: ws.users.owner.token }));
    const headers = { 'x-api-key': createApiKey.secret };
    for (let i = 0; i < 2; i++) expectData(await chief.request('{ workspace { id } }', {}, { headers }));
    chief.statements.reset();
    const refused = await chief.request('{ workspace { id } }', {}, { headers });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
    expect(chief.statements.count).toBe(0); // not even the key's lookup at core
    expectData(await chief.request('{ workspace { id } }', {}, { token: ws.users.owner.token }));
  });

  it('limits anonymous introspection per client address', async () => {
    for (let i = 0; i < 8; i++) expectData(await chief.request('{ __typename }'));
    const refused = await chief.request('{ __typename }');
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
  });
});

describe('made-up API keys', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ RATE_LIMIT_KEY_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
  });
  afterAll(() => chief?.stop());
  const madeUp = () => `chief_${randomUUID().slice(0, 8)}_${randomUUID()}`;

  it('spend their address\'s budget of failed lookups, then are refused without a lookup; known keys go on', async () => {
    const ws = await createWorkspaceFixture(chief, 'MadeUp');
    const { createApiKey } = expectData(await chief.request('mutation { createApiKey(input: { name: "Real" }) { secret } }', {}, { token: ws.users.owner.token }));
    const real = { 'x-api-key': createApiKey.secret };
    expectData(await chief.request('{ workspace { id } }', {}, { headers: real }));
    for (let i = 0; i < 2; i++) expect(errorOf(await chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': madeUp() } })).code).toBe('UNAUTHENTICATED');
    chief.statements.reset();
    const refused = await chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': madeUp() } });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
    expect(chief.statements.count).toBe(0);
    expectData(await chief.request('{ workspace { id } }', {}, { headers: real }));
  });
});

describe('rate limits in Redis, shared by gateway instances', () => {
  let redis: ChildProcess;
  let first: TestChief;
  let second: TestChief;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((resolve, reject) => {
      redis.once('error', (error) => reject(new Error(`redis-server could not start (apt-get install redis-server): ${error.message}`)));
      redis.once('spawn', resolve);
    });
    const env = { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_USER_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '3600' };
    first = await startTestChief(env);
    second = await startTestChief(env);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    redis?.kill();
  });

  it('counts a user across instances', async () => {
    const token = await first.token(`roaming|${Date.now()}`);
    expectData(await first.request('{ viewer { userId } }', {}, { token }));
    expectData(await second.request('{ viewer { userId } }', {}, { token }));
    expectData(await first.request('{ viewer { userId } }', {}, { token }));
    const refused = await second.request('{ viewer { userId } }', {}, { token });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1100);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1200);
  });
});

describe('rate limits when Redis is unreachable', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_USER_MAX: '1' });
  });
  afterAll(() => chief?.stop());

  it('lets requests through rather than failing them', async () => {
    const token = await chief.token(`unlimited|${Date.now()}`);
    for (let i = 0; i < 3; i++) expectData(await chief.request('{ viewer { userId } }', {}, { token }));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
