import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMergeable, mergeOperations, type FetchOperation, type FetchResponse } from '../src/mergeOperations.ts';
import { uniqueRepresentations } from '../src/uniqueRepresentations.ts';

// A subgraph of its own (graphql-js executes it): entities that resolve, fail or are missing, a
// nullable root field that fails and a non-null one that fails.
const schema = buildSubgraphSchema([{
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Item @key(fields: "id") { id: ID! name: String! broken: String secret: String! }
    type Person @key(fields: "id") { id: ID! email: String }
    type Query { item(id: ID!): Item  strict(id: ID!): Item!  items(first: Int = 2): [Item!]! }
  `),
  resolvers: {
    Query: {
      item: (_: unknown, { id }: { id: string }) => (id === 'fail' ? Promise.reject(new Error('item failed')) : { id }),
      strict: (_: unknown, { id }: { id: string }) => (id === 'fail' ? Promise.reject(new Error('strict failed')) : { id }),
      items: (_: unknown, { first }: { first: number }) => Array.from({ length: first }, (_, i) => ({ id: `i${i}` })),
    },
    Item: {
      __resolveReference: ({ id }: { id: string }) => (id === 'gone' ? null : { id }),
      name: ({ id }: { id: string }) => `Item ${id}`,
      broken: ({ id }: { id: string }) => (id.startsWith('b') ? Promise.reject(new Error(`broken ${id}`)) : 'fine'),
      secret: () => Promise.reject(Object.assign(new Error('no secret'), { extensions: { code: 'FORBIDDEN' } })),
    },
    Person: { __resolveReference: ({ id }: { id: string }) => ({ id, email: `${id}@example.test` }) },
  } as never,
}]);

/** The gateway's fetches, with the variable, fragment and response names they all share. */
const documents = [
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { name broken } } }`,
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { email } ... on Item { ...F } } } fragment F on Item { id name }`,
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { ...F secret } } } fragment F on Item { name }`,
  `query Named__core__1($id: ID!, $first: Int) { item(id: $id) { ...F } list: items(first: $first) { id } } fragment F on Item { id name }`,
  `query($id: ID!) { item(id: $id) { name broken } }`,
  `query($id: ID!) { strict(id: $id) { name } }`,
  // A client may alias a field __proto__: it must stay an answer's own key, never its prototype.
  `query($id: ID!) { __proto__: item(id: $id) { __proto__: name } }`,
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { __proto__: name } } }`,
];

const representation = fc.oneof(
  fc.constantFrom('a', 'b1', 'b2', 'gone', 'c').map((id) => ({ __typename: 'Item', id })),
  fc.constantFrom('p', 'q').map((id) => ({ __typename: 'Person', id })),
);
const variablesFor = (query: string) =>
  query.includes('$representations')
    ? fc.record({ representations: fc.array(representation, { minLength: 1, maxLength: 8 }) })
    : fc.record({ id: fc.constantFrom('x', 'b7', 'fail'), first: fc.integer({ min: 0, max: 3 }) }).map((v) => (query.includes('$first') ? v : { id: v.id }));
// Text and variables only, so a counterexample reads as what was sent.
const fetchOf = (query: string) => variablesFor(query).map((variables) => ({ query, variables: variables as Record<string, unknown> }));

const run = async (query: string, variables: Record<string, unknown>): Promise<FetchResponse> => {
  const result = (await execute({ schema, document: parse(query), variableValues: variables })) as ExecutionResult;
  return JSON.parse(JSON.stringify(result)) as FetchResponse;
};
/**
 * What the gateway reads of an answer: the data, and each error's message, path and extensions (not
 * where it was in a document, nor the order errors were raised in, which follows completion).
 */
const comparable = (response: FetchResponse) => ({
  data: response.data,
  errors: response.errors?.map(({ message, path, extensions }) => ({ message, path, extensions })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
});

describe('mergeOperations', () => {
  it('answers every fetch as it would have been answered alone, or says the answer cannot be split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...documents).chain(fetchOf), { minLength: 2, maxLength: 5 }), async (sent) => {
        const fetches: FetchOperation[] = sent.map((fetch) => ({ ...fetch, document: parse(fetch.query) }));
        const merged = mergeOperations(fetches);
        const parts = merged.split(await run(merged.query, merged.variables));
        const alone = await Promise.all(fetches.map((fetch) => run(fetch.query, fetch.variables)));
        if (!parts) {
          // Only when a non-null root field failed, which nulls the whole answer.
          expect(alone.some((answer) => answer.data === null)).toBe(true);
          return;
        }
        expect(parts.map(comparable)).toEqual(alone.map(comparable));
      }),
      { numRuns: 150 },
    );
  });

  it('answers an entity fetch sent with each representation once as the whole fetch would have been answered', async () => {
    const entityDocuments = documents.filter((query) => query.includes('$representations'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entityDocuments).chain(fetchOf), async (sent) => {
        const fetch: FetchOperation = { ...sent, document: parse(sent.query) };
        const unique = uniqueRepresentations(fetch);
        const whole = await run(fetch.query, fetch.variables);
        const representations = fetch.variables.representations as unknown[];
        if (!unique) return void expect(new Set(representations.map((r) => JSON.stringify(r))).size).toBe(representations.length);
        expect((unique.fetch.variables.representations as unknown[]).length).toBeLessThan(representations.length);
        const expanded = unique.expand(await run(unique.fetch.query, unique.fetch.variables));
        expect(comparable(expanded)).toEqual(comparable(whole));
        // No two entities share an object: the executor writes into each.
        const entities = (expanded.data?._entities ?? []) as unknown[];
        expect(new Set(entities.filter((e) => e !== null)).size).toBe(entities.filter((e) => e !== null).length);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves alone what is not an entity fetch', () => {
    const root = { query: documents[3]!, document: parse(documents[3]!), variables: { representations: [1, 1] } };
    expect(uniqueRepresentations(root)).toBeUndefined();
  });

  it('prefixes each fetch\'s names, so equal names of different fetches never meet', () => {
    const [a, b] = [documents[1]!, documents[2]!].map((query) => ({ query, document: parse(query), variables: { representations: [] } }));
    const merged = mergeOperations([a!, b!]);
    expect(merged.query).toContain('b0__entities: _entities(representations: $b0_representations)');
    expect(merged.query).toContain('fragment b0_F on Item');
    expect(merged.query).toContain('fragment b1_F on Item');
    expect(Object.keys(merged.variables)).toEqual(['b0_representations', 'b1_representations']);
  });

  it('names the merged operation after the first fetch it holds', () => {
    const named = { query: documents[3]!, document: parse(documents[3]!), variables: { id: 'x' }, operationName: 'Named__core__1' };
    const other = { query: documents[4]!, document: parse(documents[4]!), variables: { id: 'y' } };
    expect(mergeOperations([named, other]).operationName).toBe('Named__core__1__batch2');
    expect(mergeOperations([other, named]).operationName).toBeUndefined();
  });

  it('gives an error without a path to the first fetch only', () => {
    const fetches = [documents[4]!, documents[4]!].map((query) => ({ query, document: parse(query), variables: { id: 'x' } }));
    const parts = mergeOperations(fetches).split({ data: { b0_item: null, b1_item: null }, errors: [{ message: 'whole request' }] })!;
    expect(parts[0]!.errors).toEqual([{ message: 'whole request' }]);
    expect(parts[1]!.errors).toBeUndefined();
  });

  it('takes queries whose root selections are fields, never mutations', () => {
    expect(isMergeable(parse(documents[0]!))).toBe(true);
    expect(isMergeable(parse('mutation { createTask(input: {}) { id } }'))).toBe(false);
    expect(isMergeable(parse('query { ... on Query { item(id: "x") { id } } }'))).toBe(false);
    expect(isMergeable(parse('query A { a: item(id: "x") { id } } query B { item(id: "y") { id } }'))).toBe(false);
    expect(isMergeable(parse('query @skip(if: true) { item(id: "x") { id } }'))).toBe(false);
  });
});
