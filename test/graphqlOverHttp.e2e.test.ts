import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestChief, type TestChief } from './support/startTestChief.ts';

/** The GraphQL over HTTP spec's audit (graphql-http), run against the gateway as a client would. */
describe('GraphQL over HTTP', () => {
  let chief: TestChief;
  let results: Awaited<ReturnType<typeof auditServer>>;
  beforeAll(async () => {
    chief = await startTestChief();
    const token = await chief.token('audit|user');
    // Every request needs credentials; the audit's own requests carry a token.
    const fetchFn: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    results = await auditServer({ url: chief.gatewayUrl, fetchFn });
  });
  afterAll(() => chief?.stop());

  it('passes every MUST of the audit', () => {
    // Queries by GET work (a client sends a header Apollo's CSRF prevention asks for).
    expect(results.some((r) => /GET/.test(r.name) && r.status === 'ok')).toBe(true);
    const musts = results.filter((r) => r.name.startsWith('MUST'));
    expect(musts.length).toBeGreaterThan(10);
    const failed = musts.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failed).toEqual([]);
  });

  it('answers a query sent by GET, and refuses a mutation sent by GET', async () => {
    const token = await chief.token('get|user');
    const get = (query: string) =>
      fetch(`${chief.gatewayUrl}?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' } });
    const ok = await get('{ viewer { userId } }');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await ok.json()).toEqual({ data: { viewer: { userId: 'get|user' } } });
    const mutation = await get('mutation { createTask(input: { title: "x" }) { id } }');
    expect(mutation.status).toBe(405);
  });

  it('passes every SHOULD of the audit too', () => {
    const shoulds = results.filter((r) => r.name.startsWith('SHOULD'));
    const notOk = shoulds.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
    console.log(`graphql-http audit: ${shoulds.length - notOk.length}/${shoulds.length} SHOULDs ok${notOk.length ? `\n  ${notOk.join('\n  ')}` : ''}`);
    expect(shoulds.length).toBeGreaterThan(0);
    expect(notOk).toEqual([]);
  });
});
