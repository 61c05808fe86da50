import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.ts';
import { loadTaskBoard } from '../clients/example/chiefClient.ts';
import type { ViewerQuery } from '../clients/generated/graphql.ts';
import { errorOf, expectData, startTestChief, type TestChief, type GraphQLResult } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const run = promisify(execFile);
const manifest = JSON.parse(readFileSync('clients/generated/persisted-documents.json', 'utf8')) as Record<string, string>;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('client code generation', () => {
  it('has committed exactly what npm run codegen generates', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: process.cwd(), silent: true }, false);
    expect(outputs.length).toBeGreaterThanOrEqual(4);
    for (const { filename, content } of outputs) expect(readFileSync(filename, 'utf8'), `${filename} is stale: run npm run codegen`).toBe(content);
  });

  it('type-checks a client operation against the API, and rejects a wrong one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chief-client-'));
    try {
      const example = resolve('clients/example/chiefClient.ts');
      const generated = resolve('clients/generated/graphql.ts');
      writeFileSync(join(dir, 'good.mts'), `import { loadTaskBoard } from '${example}';\nconst rows = await loadTaskBoard({ url: '', token: '' }, ['TODO']);\nconst title: string = rows[0]!.title;\nexport { title };\n`);
      writeFileSync(join(dir, 'bad.mts'), `import { execute } from '${example}';\nimport { TaskBoardDocument } from '${generated}';\nconst data = await execute({ url: '', token: '' }, TaskBoardDocument, { first: 'ten' });\nexport const n: number = data.tasks.edges[0]!.node.title;\n`);
      const tsconfig = (files: string[]) => {
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: resolve('tsconfig.base.json'), compilerOptions: { types: ['node'], typeRoots: [resolve('node_modules/@types')] }, files }));
        return run(resolve('node_modules/.bin/tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: process.cwd() });
      };
      await expect(tsconfig(['good.mts'])).resolves.toBeDefined();
      const failure = await tsconfig(['bad.mts']).then(() => null, (error: { stdout: string }) => error.stdout);
      expect(failure).toMatch(/bad\.mts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number/);
      expect(failure).toMatch(/bad\.mts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('persisted operations', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief();
    ws = await createWorkspaceFixture(chief, 'Persisted');
    expectData(await chief.request('mutation { createTask(input: { title: "Call the bank", assigneeId: "' + ws.users.member.memberId + '" }) { id } }', {}, { token: ws.users.owner.token }));
  });
  afterAll(() => chief?.stop());

  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(chief.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.users.owner.token}`, ...headers },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as GraphQLResult<ViewerQuery>['body'] }));

  it('runs the generated, typed client against the gateway', async () => {
    const rows = await loadTaskBoard({ url: chief.gatewayUrl, token: ws.users.owner.token }, ['TODO']);
    expect(rows).toEqual([{ title: 'Call the bank', assignee: 'Persisted member', status: 'TODO' }]);
  });

  it('supports automatic persisted queries: unknown hash, then registered, then by hash alone', async () => {
    const query = `{ viewer { userId } } # ${Date.now()}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const unknown = await post({ extensions });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions })).body.data?.viewer.userId).toBe(ws.users.owner.userId);
    expect((await post({ extensions })).body.data?.viewer.userId).toBe(ws.users.owner.userId);
  });

  it('answers a manifest operation by its hash with no registration', async () => {
    const [hash] = Object.entries(manifest).find(([, body]) => body.startsWith('query Viewer'))!;
    const result = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash.replace('sha256:', '') } } });
    expect(result.body.data?.viewer.userId).toBe(ws.users.owner.userId);
  });
});

describe('trusted documents, required for the web client', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  let webToken: string;
  beforeAll(async () => {
    chief = await startTestChief({ TRUSTED_DOCUMENTS: 'require', TRUSTED_DOCUMENTS_CLIENTS: 'web,mobile' });
    ws = await createWorkspaceFixture(chief, 'Trusted');
    // The identity provider names the client application a token was issued to (azp).
    webToken = await chief.token(ws.users.owner.userId, { workspaceId: ws.id, claims: { azp: 'web' } });
  });
  afterAll(() => chief?.stop());

  it('rejects an unlisted operation from the web client before any subgraph runs', async () => {
    chief.statements.reset();
    const result = await chief.request('{ tasks { edges { node { id title } } } }', {}, { token: webToken });
    expect(result.status).toBe(400);
    expect(errorOf(result).code).toBe('OPERATION_NOT_TRUSTED');
    expect(chief.statements.count).toBe(0);
  });

  it('runs a listed operation from the web client, by hash or in full', async () => {
    expect(await loadTaskBoard({ url: chief.gatewayUrl, token: webToken }, ['TODO'])).toEqual([]);
    const viewer = Object.values(manifest).find((body) => body.startsWith('query Viewer'))!;
    const data = expectData(await chief.request<ViewerQuery>(viewer, {}, { token: webToken }));
    expect(data.viewer.userId).toBe(ws.users.owner.userId);
  });

  it('knows the client from the token, not from a header the caller could change', async () => {
    const unlisted = '{ tasks { edges { node { id title } } } }';
    const disguised = await chief.request(unlisted, {}, { token: webToken, headers: { 'apollographql-client-name': 'partner' } });
    expect(errorOf(disguised).code).toBe('OPERATION_NOT_TRUSTED');
    const clientIdClaim = await chief.token(ws.users.owner.userId, { workspaceId: ws.id, claims: { client_id: 'mobile' } });
    expect(errorOf(await chief.request(unlisted, {}, { token: clientIdClaim })).code).toBe('OPERATION_NOT_TRUSTED');
  });

  it('leaves clients that are not restricted (partners) free to send their own operations', async () => {
    expectData(await chief.request('{ tasks { edges { node { id title } } } }', {}, { token: ws.users.owner.token }));
    const { createApiKey } = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Partner" }) { secret } }', {}, { token: ws.users.owner.token }));
    expectData(await chief.request('{ tasks { edges { node { id title } } } }', {}, { headers: { 'x-api-key': createApiKey.secret } }));
  });
});

describe('trusted documents, required for every client', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ TRUSTED_DOCUMENTS: 'require' });
  });
  afterAll(() => chief?.stop());

  it('holds tokens that name no client to the manifest', async () => {
    const token = await chief.token(`anyone|${Date.now()}`);
    expect(errorOf(await chief.request('{ viewer { userId } }', {}, { token })).code).toBe('OPERATION_NOT_TRUSTED');
    const viewer = Object.values(manifest).find((body) => body.startsWith('query Viewer'))!;
    expect(expectData(await chief.request<ViewerQuery>(viewer, {}, { token })).viewer.userId).toMatch(/^anyone\|/);
  });

  it('leaves introspection to the INTROSPECTION switch, so the explorer keeps its documentation', async () => {
    expect(expectData(await chief.request<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }')).__schema.queryType.name).toBe('Query');
  });
});
