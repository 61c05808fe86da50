import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTokens, createMetrics, type Identity } from '@chief/runtime';
import { SubgraphDataSource } from '../src/SubgraphDataSource.ts';
import { createSubgraphClient, type SubgraphClient } from '../src/createSubgraphClient.ts';
import type { GatewayContext } from '../src/gatewayContext.ts';

/**
 * A real subgraph whose requests behave as a Postgres transaction does: once one field has
 * failed, every field resolved after it in the same request fails too, as Chief's subgraphs report
 * SQLSTATE 25P02 (TRANSACTION_ABORTED), whichever fetch of a merged request it belongs to. `gone`
 * is an item that is not there (NOT_FOUND), which aborts nothing.
 */
interface RequestState {
  aborted: boolean;
}
const schema = buildSubgraphSchema([{
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Item @key(fields: "id") { id: ID! name: String }
    type Query { ping: String  strict: String! }
  `),
  resolvers: {
    Query: { strict: () => Promise.reject(new Error('strict failed')) },
    Item: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      name: async ({ id }: { id: string }, _: unknown, state: RequestState) => {
        await new Promise((wait) => setTimeout(wait, id === 'bad' ? 0 : 5));
        if (state.aborted) throw new GraphQLError('Not run: an earlier part of this request failed', { extensions: { code: 'TRANSACTION_ABORTED' } });
        if (id === 'gone') throw new GraphQLError('No such item', { extensions: { code: 'NOT_FOUND' } });
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
const STRICT = `query { strict }`;
/** Bodies larger than this are refused with 413, as a subgraph's MAX_BODY_BYTES does. */
const BODY_LIMIT = 900;
const identity: Identity = { kind: 'user', userId: 'ada', workspaceId: null, scopes: ['read'] };

describe('SubgraphDataSource', () => {
  let server: ApolloServer<RequestState>;
  let client: SubgraphClient;
  let limiter: Server;
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
    // In front of it, the body limit: a real HTTP hop that answers 413 or passes the request on.
    limiter = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      if (body.length > BODY_LIMIT) return void response.writeHead(413).end();
      const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': String(request.headers['x-request-id']) }, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
    await new Promise<void>((listening) => limiter.listen(0, '127.0.0.1', listening));
    client = createSubgraphClient(`http://127.0.0.1:${(limiter.address() as AddressInfo).port}/`, 5_000);
  });
  afterAll(async () => {
    await client?.close();
    await new Promise((closed) => limiter?.close(closed));
    await server?.stop();
  });

  const newSource = () => new SubgraphDataSource('items', client, createInternalTokens('x'.repeat(32)), createMetrics('gateway'), { batching: true, deduplication: true });
  const entities = (ids: string[]) => ({ query: ENTITIES, variables: { representations: ids.map((id) => ({ __typename: 'Item', id })) } });

  /** Sends the fetches in the same turn, as a Parallel node of one client request does; each an entity fetch (ids) or a query. */
  const sendTogether = (source: SubgraphDataSource, fetches: (string[] | string)[]) => {
    const context: GatewayContext = { requestId: 'r1', receivedAt: performance.now(), identity };
    calls = [];
    return Promise.all(
      fetches.map((fetch) => {
        const request = typeof fetch === 'string' ? { query: fetch, variables: {} } : entities(fetch);
        return source.process({
          kind: 'incoming operation',
          request,
          document: parse(request.query),
          context,
          incomingRequestContext: { operation: { operation: 'query' } },
        } as never);
      }),
    );
  };

  it('asks again alone each merged fetch that failed because another did (TRANSACTION_ABORTED), so none carries an error another caused', async () => {
    const [bad, good] = await sendTogether(newSource(), [['bad'], ['a', 'b']]);
    // One merged call, in which the good fetch failed after the bad one; then the good one alone
    // (the bad one's error is its own: it would get it alone too).
    expect(calls).toHaveLength(2);
    expect(good).toEqual({ data: { _entities: [{ name: 'Item a' }, { name: 'Item b' }] } });
    expect(bad!.data).toEqual({ _entities: [{ name: null }] });
    expect(bad!.errors?.map((e) => e.message)).toEqual(['invalid input syntax']);
  });

  it('keeps the merged answer of every fetch when none has an error', async () => {
    const answers = await sendTogether(newSource(), [['a'], ['b', 'c'], ['d']]);
    expect(calls).toHaveLength(1);
    expect(answers.map((a) => a.data)).toEqual([{ _entities: [{ name: 'Item a' }] }, { _entities: [{ name: 'Item b' }, { name: 'Item c' }] }, { _entities: [{ name: 'Item d' }] }]);
  });

  it('keeps the merged answer of a fetch whose error is its own (it would get it alone too)', async () => {
    const [gone, good] = await sendTogether(newSource(), [['gone'], ['a']]);
    expect(calls).toHaveLength(1);
    expect(gone!.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(good).toEqual({ data: { _entities: [{ name: 'Item a' }] } });
  });

  it('asks every fetch alone when the merged answer has no data (a non-null root failed, and it does not say whose)', async () => {
    const [strict, good] = await sendTogether(newSource(), [STRICT, ['a']]);
    expect(calls).toHaveLength(3);
    expect(strict!.data).toBeNull();
    expect(strict!.errors?.[0]?.path).toEqual(['strict']);
    expect(good).toEqual({ data: { _entities: [{ name: 'Item a' }] } });
  });

  it('sends each fetch alone when together they are too large for the subgraph (413)', async () => {
    const many = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}${i}`);
    expect(JSON.stringify(entities(many('a'))).length).toBeLessThan(BODY_LIMIT);
    const [first, second] = await sendTogether(newSource(), [many('a'), many('b')]);
    expect(calls).toHaveLength(2);
    expect(first!.data?._entities).toHaveLength(10);
    expect(second!.data?._entities).toHaveLength(10);
  });
});
