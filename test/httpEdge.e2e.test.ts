import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { errorOf, expectData, startTestChief, TEST_ENV, type GraphQLResult, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** Sends raw HTTP/1.1 requests over one connection; resolves with what came back before it closed or went quiet. */
function overOneConnection(url: string, requests: string[], quietMs = 1500): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let timer: NodeJS.Timeout;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      quiet();
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    for (const request of requests) socket.write(request);
    quiet();
  });
}

const post = (host: string, body: string, extra = '') =>
  `POST /graphql HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('the HTTP edge', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief({ MAX_BODY_BYTES: '300000' });
    ws = await createWorkspaceFixture(chief, 'Edge');
  });
  afterAll(() => chief?.stop());

  const raw = async <TData = unknown>(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResult<TData>> => {
    const response = await fetch(chief.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${ws.users.owner.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult<TData>['body'] };
  };

  describe('a body over the size limit', () => {
    const host = () => new URL(chief.gatewayUrl).host;
    const small = JSON.stringify({ query: '{ __typename }' });
    const large = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(310_000)}` });

    it('is answered 413 and its connection closed, so its unread rest is never read as a request', async () => {
      const { text, closed } = await overOneConnection(chief.gatewayUrl, [post(host(), large), post(host(), small)]);
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text.toLowerCase()).toContain('connection: close');
      expect(closed).toBe(true);
    });

    it('is refused the same way when no length was declared (chunked) and it grows past the limit', async () => {
      const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
      const chunked = `POST /graphql HTTP/1.1\r\nhost: ${host()}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${chunk(large.slice(0, 200_000))}${chunk(large.slice(200_000))}0\r\n\r\n`;
      const { text, closed } = await overOneConnection(chief.gatewayUrl, [chunked]);
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(closed).toBe(true);
    });

    it('leaves the next request, on a fresh connection, to be answered', async () => {
      expect((await overOneConnection(chief.gatewayUrl, [post(host(), large)])).text).toMatch(/^HTTP\/1\.1 413 /);
      expect(expectData(await raw<{ __typename: string }>({ query: '{ __typename }' })).__typename).toBe('Query');
    });
  });

  it('refuses JSON nested deeper than any input needs with 400, before anything parses it', async () => {
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const response = await raw(`{"query":"mutation($c: JSONObject!) { connectIntegration(input: { platform: SLACK, credentials: $c }) { id } }","variables":{"c":{"a":${deep}}}}`);
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'BAD_REQUEST', message: 'Request body nests deeper than 64 levels' });
    const variables = encodeURIComponent(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`);
    const get = await fetch(`${chief.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}&variables=${variables}`, { headers: { authorization: `Bearer ${ws.users.owner.token}` } });
    expect(get.status).toBe(400);
  });

  describe('refusals of client mistakes are 4xx with their own code, never 500 or INTERNAL', () => {
    let readKey: string;
    let otherWorkspace: string;
    beforeAll(async () => {
      readKey = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "RO", scopes: [READ] }) { secret } }', {}, { token: ws.users.owner.token })).createApiKey.secret;
      otherWorkspace = (await createWorkspaceFixture(chief, 'EdgeOther')).id;
    });

    const expectRefusal = (result: GraphQLResult, status: number, code: string) => {
      expect({ status: result.status, code: errorOf(result).code }, JSON.stringify(result.body)).toEqual({ status, code });
    };

    it('a mutation with a read-only key: 403 FORBIDDEN', async () => {
      expectRefusal(await raw({ query: 'mutation { createTask(input: { title: "No" }) { id } }' }, { authorization: '', 'x-api-key': readKey }), 403, 'FORBIDDEN');
    });

    it('a key presented for another workspace: 403 FORBIDDEN', async () => {
      expectRefusal(await raw({ query: '{ workspace { id } }' }, { authorization: '', 'x-api-key': readKey, 'x-chief-workspace': otherWorkspace }), 403, 'FORBIDDEN');
    });

    it('a validly signed token whose subject is not a string: 401 UNAUTHENTICATED', async () => {
      const secret = new TextEncoder().encode(TEST_ENV.AUTH_JWT_SECRET);
      for (const sub of [123, '', { id: 'x' }]) {
        const token = await new SignJWT({ sub } as never).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secret);
        expectRefusal(await raw({ query: '{ viewer { userId } }' }, { authorization: `Bearer ${token}` }), 401, 'UNAUTHENTICATED');
      }
    });

    it('an operationName that is not in the document, or several operations and none named: 400 OPERATION_RESOLUTION_FAILURE', async () => {
      expectRefusal(await raw({ query: 'query A { viewer { userId } }', operationName: 'B' }), 400, 'OPERATION_RESOLUTION_FAILURE');
      expectRefusal(await raw({ query: 'query A { viewer { userId } } query B { workspace { id } }' }), 400, 'OPERATION_RESOLUTION_FAILURE');
      expectRefusal(await raw({ query: '{ viewer { userId } } { workspace { id } }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
    });

    it('a subscription over HTTP: 400 BAD_REQUEST', async () => {
      expectRefusal(await raw({ query: 'subscription { eventAppended { id } }' }), 400, 'BAD_REQUEST');
    });

    it('a persisted-query hash that does not match the query: 400 BAD_REQUEST', async () => {
      const wrong = createHash('sha256').update('another query').digest('hex');
      expectRefusal(await raw({ query: '{ viewer { userId } }', extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } }), 400, 'BAD_REQUEST');
    });

    it('a workspace header that is not an id beside an API key: 400 BAD_USER_INPUT naming the header', async () => {
      const result = await raw({ query: '{ workspace { id } }' }, { authorization: '', 'x-api-key': readKey, 'x-chief-workspace': 'acme' });
      expectRefusal(result, 400, 'BAD_USER_INPUT');
      expect(errorOf(result).field).toBe('x-chief-workspace');
    });

    it('a workspace claim that is not an id: 400 BAD_USER_INPUT naming the claim', async () => {
      const token = await chief.token(`claims|${Date.now()}`, { claims: { wid: 'acme' } });
      const result = await raw({ query: '{ viewer { userId } }' }, { authorization: `Bearer ${token}` });
      expectRefusal(result, 400, 'BAD_USER_INPUT');
      expect(errorOf(result).field).toBe('wid');
    });
  });
});
