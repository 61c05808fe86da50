import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@chief/gateway';
import { createLogger, loadConfig, subgraphNames, type RunningServer, type SubgraphName } from '@chief/runtime';
import { CROSS_QUERY, expectCrossData, seedTasks, type CrossData } from './support/crossDomain.ts';
import { createClient, expectData, startTestChief, TEST_ENV, type ChiefClient, type Page, type TestChief } from './support/startTestChief.ts';
import { startDelayingProxy, type DelayingProxy } from './support/delayingProxy.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** A contact (core), then its tasks (work): the second fetch leaves when the first has answered. */
const RELATED = `query Related($id: ID!) { contact(id: $id) { id name relatedTasks(first: 10) { edges { node { id title } } } } }`;

/**
 * A second gateway in front of the test Chief's subgraphs, each behind a proxy that holds every
 * answer for `delayMs` and counts the calls that reached it.
 */
async function proxiedGateway(chief: TestChief, env: Record<string, string>, delayMs: number) {
  const proxies = {} as Record<SubgraphName, DelayingProxy>;
  for (const name of subgraphNames) proxies[name] = await startDelayingProxy(chief.subgraphUrls[name], delayMs);
  const config = loadConfig({ ...gatewayEnv, ...env });
  const gateway: RunningServer = await createGateway({
    config,
    logger: createLogger('gateway', 'silent'),
    subgraphs: subgraphNames.map((name) => ({ name, url: proxies[name].url })),
  }).listen(0);
  const client: ChiefClient = createClient(gateway.url);
  return {
    client,
    proxies,
    calls: (name: SubgraphName) => proxies[name].requests.length,
    reset: () => subgraphNames.forEach((name) => (proxies[name].requests.length = 0)),
    async close() {
      await gateway.close();
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    },
  };
}

/** The settings of the test Chief, for another gateway in front of its subgraphs. */
const gatewayEnv = {
  ...TEST_ENV,
  RATE_LIMIT_USER_MAX: '100000',
  // The committed supergraph: the gateway makes no calls of its own to read the subgraphs.
  SUPERGRAPH_SOURCE: 'file',
};

describe('the gateway\'s calls to the subgraphs', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  let contactId: string;

  beforeAll(async () => {
    chief = await startTestChief();
    ws = await createWorkspaceFixture(chief, 'Calls');
    contactId = await seedTasks(chief, ws, 6);
  });
  afterAll(() => chief?.stop());

  describe('fetches of one request that leave for one subgraph together', () => {
    it('travel as one call and one transaction, with the same answer as apart', async () => {
      const merged = await proxiedGateway(chief, {}, 0);
      const apart = await proxiedGateway(chief, { SUBGRAPH_BATCHING: 'false' }, 0);
      try {
        const statements: Record<string, number> = {};
        for (const [name, gateway] of [['merged', merged], ['apart', apart]] as const) {
          chief.statements.reset();
          const data = expectData(await gateway.client.request<CrossData>(CROSS_QUERY, { first: 10, contactId }, { token: ws.users.member.token }));
          expectCrossData(data, ws, 'Calls', 6, 'founder@calls.test');
          statements[name] = chief.statements.count;
        }
        // Apart: work's tasks, then core three times (assignees, founders, contacts); core's contact, then work's related tasks.
        expect({ core: apart.calls('core'), work: apart.calls('work') }).toEqual({ core: 4, work: 2 });
        expect({ core: merged.calls('core'), work: merged.calls('work') }).toEqual({ core: 2, work: 2 });
        const entities = merged.proxies.core.requests.map((r) => JSON.parse(r.body) as { query: string }).find((r) => r.query.includes('b0__entities'));
        expect(entities?.query.match(/b\d+__entities: _entities/g)).toHaveLength(3);
        // Each call is a transaction of BEGIN, the claims and ROLLBACK around its own statements.
        expect(statements.apart! - statements.merged!).toBe(2 * 3);
      } finally {
        await merged.close();
        await apart.close();
      }
    });
  });

  describe('identical queries in flight for the same caller', () => {
    let gateway: Awaited<ReturnType<typeof proxiedGateway>>;
    const DELAY = 500;
    beforeAll(async () => {
      gateway = await proxiedGateway(chief, {}, DELAY);
    });
    afterAll(() => gateway?.close());

    /** A, then B `laterMs` after, both for RELATED; resolves with both answers. */
    const overlapping = async (tokens: [string, string], laterMs: number) => {
      gateway.reset();
      const first = gateway.client.request(RELATED, { id: contactId }, { token: tokens[0] });
      await new Promise((wait) => setTimeout(wait, laterMs));
      const second = gateway.client.request(RELATED, { id: contactId }, { token: tokens[1] });
      return Promise.all([first, second]).then((results) => results.map(expectData));
    };

    it('share one call that left after the later request arrived, and not one that left before', async () => {
      const [a, b] = await overlapping([ws.users.member.token, ws.users.member.token], DELAY / 3);
      expect(b).toEqual(a);
      // A's contact left before B arrived: B may not read what A's snapshot saw, so it asks again.
      expect(gateway.calls('core')).toBe(2);
      // A's related tasks left after B arrived, and B needs the same while it is in flight.
      expect(gateway.calls('work')).toBe(1);
    });

    it('are never shared between two callers', async () => {
      const [a, b] = await overlapping([ws.users.member.token, ws.users.admin.token], DELAY / 3);
      expect(b).toEqual(a);
      expect({ core: gateway.calls('core'), work: gateway.calls('work') }).toEqual({ core: 2, work: 2 });
      const callers = new Set(gateway.proxies.work.requests.map((r) => r.authorization));
      expect(callers.size).toBe(2);
    });

    it('are never shared with the fetches of a mutation, which must read its own writes', async () => {
      type History = Page<{ type: string }>;
      const updates = (history: History) => history.edges.filter((e) => e.node.type === 'core.contact.updated').length;
      // Both anonymous, so the ops fetch after each (the contact's history) is the same text.
      const history = 'history(first: 100) { edges { node { type } } }';
      const token = ws.users.owner.token;
      const { contact: earlier } = expectData(await chief.request<{ contact: { history: History } }>(`{ contact(id: "${contactId}") { ${history} } }`, {}, { token }));
      gateway.reset();
      const query = gateway.client.request<{ contact: { history: History } }>(`{ contact(id: "${contactId}") { id ${history} } }`, {}, { token });
      await new Promise((wait) => setTimeout(wait, DELAY / 3));
      const mutation = gateway.client.request<{ updateContact: { history: History } }>(
        `mutation { updateContact(id: "${contactId}", input: { name: "Grace B. Hopper" }) { id ${history} } }`,
        {},
        { token },
      );
      expectData(await query);
      const after = expectData(await mutation);
      // The same caller would share a query's call; a mutation's own reads go out on their own.
      expect(gateway.calls('ops')).toBe(2);
      expect(updates(after.updateContact.history)).toBe(updates(earlier.history) + 1);
    });

    it('are each sent when switched off (SUBGRAPH_DEDUPLICATION=false)', async () => {
      const apart = await proxiedGateway(chief, { SUBGRAPH_DEDUPLICATION: 'false' }, DELAY);
      try {
        const first = apart.client.request(RELATED, { id: contactId }, { token: ws.users.member.token });
        await new Promise((wait) => setTimeout(wait, DELAY / 3));
        await Promise.all([first, apart.client.request(RELATED, { id: contactId }, { token: ws.users.member.token })]);
        expect(apart.calls('work')).toBe(2);
      } finally {
        await apart.close();
      }
    });
  });
});
