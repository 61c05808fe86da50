import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTokens, createMetrics, type Identity } from '@chief/runtime';
import { SubgraphDataSource } from '../src/SubgraphDataSource.ts';
import { createSubgraphClient, type SubgraphClient } from '../src/createSubgraphClient.ts';
import type { GatewayContext } from '../src/gatewayContext.ts';

/**
 * A real subgraph whose requests behave as a Postgres transaction does: once one field has
 * failed, every field resolved after it in the same request fails too (SQLSTATE 25P02), whichever
 * fetch of a merged request it belongs to.
 */
interface RequestState {
  aborted: boolean;
}
const schema = buildSubgraphSchema([{
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Item @key(fields: "id") { id: ID! name: String }
    type Query { ping: String }
  `),
  resolvers: {
    Item: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      name: async ({ id }: { id: string }, _: unknown, state: RequestState) => {
        await new Promise((wait) => setTimeout(wait, id === 'bad' ? 0 : 5));
        if (state.aborted) throw new Error('current transaction is aborted, commands ignored until end of transaction block');
        if (id === 'bad') {
          state.aborted = true;
          throw new Error('invalid input syntax');
        }
        return `Item ${id}`;
      },
    },
  } as never,
}]);

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { name } } }`;
const identity: Identity = { kind: 'user', userId: 'ada', workspaceId: null, scopes: ['read'] };

describe('SubgraphDataSource', () => {
  let server: ApolloServer<RequestState>;
  let client: SubgraphClient;
  let calls: string[] = [];

  beforeAll(async () => {
    server = new ApolloServer<RequestState>({ schema });
    const { url } = await startStandaloneServer(server, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => {
        calls.push(String(req.headers['x-request-id']));
        return { aborted: false };
      },
    });
    client = createSubgraphClient(url, 5_000);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  /** Sends the fetches in the same turn, as a Parallel node of one client request does. */
  const sendTogether = (source: SubgraphDataSource, ids: string[][]) => {
    const context: GatewayContext = { requestId: 'r1', receivedAt: performance.now(), identity };
    return Promise.all(
      ids.map((group) =>
        source.process({
          kind: 'incoming operation',
          request: { query: ENTITIES, variables: { representations: group.map((id) => ({ __typename: 'Item', id })) } },
          document: parse(ENTITIES),
          context,
          incomingRequestContext: { operation: { operation: 'query' } },
        } as never),
      ),
    );
  };

  it('asks again alone each merged fetch that came back with errors, so none carries an error another caused', async () => {
    const source = new SubgraphDataSource('items', client, createInternalTokens('x'.repeat(32)), createMetrics('gateway'), { batching: true, deduplication: true });
    calls = [];
    const [bad, good] = await sendTogether(source, [['bad'], ['a', 'b']]);
    // One merged call, in which the good fetch failed after the bad one; then each alone.
    expect(calls).toHaveLength(3);
    expect(good).toEqual({ data: { _entities: [{ name: 'Item a' }, { name: 'Item b' }] } });
    expect(bad!.data).toEqual({ _entities: [{ name: null }] });
    expect(bad!.errors?.map((e) => e.message)).toEqual(['invalid input syntax']);
  });

  it('keeps the merged answer of every fetch when none has an error', async () => {
    const source = new SubgraphDataSource('items', client, createInternalTokens('x'.repeat(32)), createMetrics('gateway'), { batching: true, deduplication: true });
    calls = [];
    const answers = await sendTogether(source, [['a'], ['b', 'c'], ['d']]);
    expect(calls).toHaveLength(1);
    expect(answers.map((a) => a.data)).toEqual([{ _entities: [{ name: 'Item a' }] }, { _entities: [{ name: 'Item b' }, { name: 'Item c' }] }, { _entities: [{ name: 'Item d' }] }]);
  });
});
