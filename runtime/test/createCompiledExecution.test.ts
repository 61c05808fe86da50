import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import fc from 'fast-check';
import { GraphQLError, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, JSONObjectScalar } from '../src/index.ts';
import { createCompiledExecution } from '../src/createCompiledExecution.ts';
import { hoistLiterals, hoistedVariables } from '../src/hoistLiterals.ts';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  scalar DateTime
  scalar JSONObject
  enum Status { TODO DONE }
  input Filter { status: Status, tags: [String!], since: DateTime }
  type Task @key(fields: "id") { id: ID! title: String! status: Status! owner: Member due: DateTime }
  type Member @key(fields: "id") { id: ID! }
  type Note { text: String! }
  union Item = Task | Note
  type Query {
    tasks(first: Int! = 2, filter: Filter): [Task!]!
    echo(text: String, data: JSONObject, at: DateTime, status: Status, ids: [ID!], f: Float): String
    count(data: JSONObject!): Int
    items: [Item!]!
    broken: Task!
    failing: String
  }
  type Mutation { append(text: String!): [String!]! }
`);

interface Context {
  log: string[];
}

const TASKS = [
  { id: '1', title: 'Write', status: 'todo', ownerId: 'm1', due: new Date('2026-01-31T09:00:00Z') },
  { id: '2', title: 'Ship', status: 'done', ownerId: null, due: null },
  { id: '3', title: 'Rest', status: 'todo', ownerId: 'm2', due: null },
];

const resolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  Status: { TODO: 'todo', DONE: 'done' },
  Item: { __resolveType: (item: { title?: string }) => (item.title ? 'Task' : 'Note') },
  Query: {
    tasks: (_: unknown, args: { first: number; filter?: { status?: string; tags?: string[]; since?: Date } }) =>
      TASKS.filter((t) => !args.filter?.status || t.status === args.filter.status)
        .filter((t) => !args.filter?.since || (t.due && t.due >= args.filter.since))
        .slice(0, args.first),
    // A DateTime argument arrives parsed: a Date, printed in UTC.
    echo: (_: unknown, args: Record<string, unknown>) => JSON.stringify(args),
    // A resolver that changes its argument: no other request may see the change.
    count: (_: unknown, args: { data: { n?: number } }) => (args.data.n = (args.data.n ?? 0) + 1),
    items: async () => [TASKS[0], { text: 'a note' }],
    broken: () => null,
    failing: () => {
      throw new GraphQLError('Task 9 was not found', { extensions: { code: 'NOT_FOUND' } });
    },
  },
  Mutation: {
    // Serial execution is observable: each alias sees the ones before it.
    append: async (_: unknown, args: { text: string }, ctx: Context) => {
      await new Promise((resolve) => setTimeout(resolve, 5 - ctx.log.length));
      ctx.log.push(args.text);
      return [...ctx.log];
    },
  },
  Task: {
    __resolveReference: (reference: { id: string }) => TASKS.find((t) => t.id === reference.id) ?? null,
    owner: (t: { ownerId: string | null }) => (t.ownerId ? { __typename: 'Member', id: t.ownerId } : null),
  },
};

function server(compileAfter: number) {
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  const gateway = createCompiledExecution(schema, { compileAfter, maxDocuments: 4, maxCompiled: 3 });
  const apollo = new ApolloServer<Context>({ gateway, includeStacktraceInErrorResponses: false });
  return { apollo, gateway };
}

const compiled = server(1);
const interpreted = server(0);
await compiled.apollo.start();
await interpreted.apollo.start();

async function run(apollo: ApolloServer<Context>, query: string, variables?: Record<string, unknown>) {
  const response = await apollo.executeOperation({ query, variables }, { contextValue: { log: [] } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status ?? 200, body: JSON.parse(JSON.stringify(response.body.singleResult)) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

/** The answer compiled, checked against graphql-js's for the same operation. */
async function both(query: string, variables?: Record<string, unknown>) {
  const expected = await run(interpreted.apollo, query, variables);
  const actual = await run(compiled.apollo, query, variables);
  expect(actual).toEqual(expected);
  return actual;
}

describe('compiled execution answers as graphql-js does', () => {
  it('fields, aliases, fragments, enums, custom scalars and references', async () => {
    const { body } = await both(`query Tasks($first: Int!) { tasks(first: $first) { id title status due owner { __typename id } ...Extra } } fragment Extra on Task { again: title }`, { first: 3 });
    expect(body.data).toEqual({
      tasks: [
        { id: '1', title: 'Write', status: 'TODO', due: '2026-01-31T09:00:00.000Z', owner: { __typename: 'Member', id: 'm1' }, again: 'Write' },
        { id: '2', title: 'Ship', status: 'DONE', due: null, owner: null, again: 'Ship' },
        { id: '3', title: 'Rest', status: 'TODO', due: null, owner: { __typename: 'Member', id: 'm2' }, again: 'Rest' },
      ],
    });
  });

  it('literal arguments of every kind, which it runs as variables', async () => {
    const { body } = await both(`{ tasks(first: 3, filter: { status: TODO, tags: ["a", "b"], since: "2026-01-01T00:00:00Z" }) { id } echo(text: "x", data: { a: [1, 2.5, true, null], b: { c: "d" } }, at: "2026-01-31T09:00:00+01:00", status: DONE) }`);
    expect(body.data).toEqual({ tasks: [{ id: '1' }], echo: '{"text":"x","data":{"a":[1,2.5,true,null],"b":{"c":"d"}},"at":"2026-01-31T08:00:00.000Z","status":"done"}' });
  });

  it('numbers a variable would not carry exactly (beyond 2^53, an overflowing float), run by graphql-js', async () => {
    expect((await both(`{ echo(ids: [12345678901234567890, "x"], f: 1.5) }`)).body.data).toEqual({ echo: '{"ids":["12345678901234567890","x"],"f":1.5}' });
    expect((await both(`{ echo(f: 1e400) }`)).body.data).toEqual({ echo: '{"f":null}' });
    expect((await both(`query($ids: [ID!] = [9007199254740993]) { echo(ids: $ids) }`)).body.data).toEqual({ echo: '{"ids":["9007199254740993"]}' });
  });

  it('gives each request its own literal values, and only the variables the operation declares', async () => {
    for (let i = 0; i < 3; i++) expect((await run(compiled.apollo, `{ count(data: {}) }`)).body.data).toEqual({ count: 1 });
    expect((await both(`{ echo(text: "a") }`, { __literal0: 'evil' })).body.data).toEqual({ echo: '{"text":"a"}' });
    expect((await both(`query($t: String) { echo(text: $t) }`, JSON.parse('{"__proto__": {"t": "x"}}') as Record<string, unknown>)).body.data).toEqual({ echo: '{}' });
  });

  it('variable defaults, a variable left out and an explicit null', async () => {
    expect((await both(`query($first: Int! = 1) { tasks(first: $first) { id } }`)).body.data).toEqual({ tasks: [{ id: '1' }] });
    expect((await both(`query($first: Int = 2) { tasks(first: $first) { id } }`, { first: 3 })).body.data).toEqual({ tasks: [{ id: '1' }, { id: '2' }, { id: '3' }] });
    expect((await both(`query($text: String = "default") { echo(text: $text) }`, { text: null })).body.data).toEqual({ echo: '{"text":null}' });
    expect((await both(`query($text: String = "default") { echo(text: $text) }`)).body.data).toEqual({ echo: '{"text":"default"}' });
  });

  it('a literal holding a variable, run by graphql-js', async () => {
    expect((await both(`query($s: Status) { tasks(first: 3, filter: { status: $s }) { id } }`, { s: 'DONE' })).body.data).toEqual({ tasks: [{ id: '2' }] });
  });

  it('@skip and @include, with literals and variables', async () => {
    const { body } = await both(`query($yes: Boolean!) { tasks { id title @skip(if: $yes) status @include(if: true) due @include(if: false) } }`, { yes: true });
    expect(body.data).toEqual({ tasks: [{ id: '1', status: 'TODO' }, { id: '2', status: 'DONE' }] });
  });

  it('unions, entities and introspection', async () => {
    expect((await both(`{ items { __typename ... on Task { id } ... on Note { text } } }`)).body.data).toEqual({ items: [{ __typename: 'Task', id: '1' }, { __typename: 'Note', text: 'a note' }] });
    const entities = await both(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { title } } }`, { r: [{ __typename: 'Task', id: '2' }, { __typename: 'Task', id: '9' }] });
    expect(entities.body.data).toEqual({ _entities: [{ title: 'Ship' }, null] });
    expect((await both(`{ __type(name: "Status") { enumValues { name } } _service { sdl } }`)).body.data).toMatchObject({ __type: { enumValues: [{ name: 'TODO' }, { name: 'DONE' }] } });
  });

  it('errors: a resolver error keeps its code, a null in a non-null field bubbles up', async () => {
    const failing = await both(`{ failing tasks(first: 1) { id } }`);
    expect(failing.body).toMatchObject({ data: { failing: null, tasks: [{ id: '1' }] }, errors: [{ message: 'Task 9 was not found', extensions: { code: 'NOT_FOUND' } }] });
    const broken = await both(`{ broken { id } }`);
    expect(broken.body).toMatchObject({ data: null, errors: [{ message: 'Cannot return null for non-nullable field Query.broken.' }] });
  });

  it('bad variables: the same 400 BAD_USER_INPUT and message as graphql-js, for built-in and custom scalars', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [`query($first: Int!) { tasks(first: $first) { id } }`, { first: 'two' }],
      [`query($first: Int!) { tasks(first: $first) { id } }`, {}],
      [`query($at: DateTime) { echo(at: $at) }`, { at: 'yesterday' }],
      [`query($f: Filter) { tasks(filter: $f) { id } }`, { f: { status: 'SOON' } }],
    ];
    for (const [query, variables] of cases) {
      const { status, body } = await both(query, variables);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await run(compiled.apollo, cases[2]![0], cases[2]![1])).body.errors?.[0]?.message).toContain('DateTime expects an RFC 3339 date-time');
  });

  it('runs the fields of a mutation one after the other', async () => {
    const { body } = await both(`mutation { a: append(text: "a") b: append(text: "b") c: append(text: "c") }`);
    expect(body.data).toEqual({ a: ['a'], b: ['a', 'b'], c: ['a', 'b', 'c'] });
  });
});

describe('which documents are compiled', () => {
  it('a document on its compileAfter-th execution; the least recently used are forgotten past maxDocuments and maxCompiled', async () => {
    const { apollo, gateway } = server(2);
    await apollo.start();
    await run(apollo, '{ failing }');
    expect(gateway.documents()).toEqual({ counted: 1, compiled: 0 });
    await run(apollo, '{ failing }');
    expect(gateway.documents()).toEqual({ counted: 1, compiled: 1 });
    for (const first of [1, 2, 3, 4, 5]) await run(apollo, `{ tasks(first: ${first}) { id } }`);
    expect(gateway.documents()).toEqual({ counted: 4, compiled: 1 });
    // Documents that differ only in their literals share one compiled query.
    for (const first of [6, 6, 7, 7]) await run(apollo, `{ tasks(first: ${first}) { id } }`);
    expect(gateway.documents()).toEqual({ counted: 4, compiled: 2 });
    for (const field of ['items { __typename }', 'broken { id }', 'echo']) for (let i = 0; i < 2; i++) await run(apollo, `{ ${field} }`);
    expect(gateway.documents().compiled).toBe(3);
    await apollo.stop();
  });
});

describe('what is compiled never holds what a client wrote', () => {
  // graphql-jit 0.8.9 writes literal arguments into generated code through JSON.stringify and a
  // regular expression that turns a marked string back into `new Date(...)`: a string with the
  // marker runs as code. Hoisted to variables, it is only ever data.
  const marker = '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d';

  it('a string crafted against graphql-jit comes back as the string', async () => {
    const text = `${marker}0) && (globalThis.chiefCompiledInjection = 42`;
    const { body } = await both(`{ echo(text: ${JSON.stringify(text)}) }`);
    expect(body.data).toEqual({ echo: JSON.stringify({ text }) });
    expect((globalThis as { chiefCompiledInjection?: unknown }).chiefCompiledInjection).toBeUndefined();
  });

  it('any string literal, in an argument or a variable default, round-trips unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(marker, `${marker}1)`, '"); throw 1; ("', '${process.exit(1)}', '\\u0000')), async (text) => {
        const literal = JSON.stringify(text);
        const argument = await run(compiled.apollo, `{ echo(text: ${literal}) }`);
        const fallback = await run(compiled.apollo, `query($t: String = ${literal}) { echo(text: $t) }`);
        expect(argument.body.data).toEqual({ echo: JSON.stringify({ text }) });
        expect(fallback.body.data).toEqual({ echo: JSON.stringify({ text }) });
      }),
      { numRuns: 150 },
    );
    expect((globalThis as { chiefCompiledInjection?: unknown }).chiefCompiledInjection).toBeUndefined();
  });

  it('hoists every literal to a variable and drops defaults', () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const hoisted = hoistLiterals(schema, parse(`query($first: Int! = 2) { tasks(first: $first, filter: { status: TODO }) { id @include(if: true) } echo(text: "x") }`))!;
    expect(print(hoisted.document)).toBe(
      'query ($first: Int!, $__literal0: Filter, $__literal1: Boolean!, $__literal2: String) {\n  tasks(first: $first, filter: $__literal0) {\n    id @include(if: $__literal1)\n  }\n  echo(text: $__literal2)\n}',
    );
    expect(hoistedVariables(hoisted, {})).toEqual({ first: 2, __literal0: { status: 'TODO' }, __literal1: true, __literal2: 'x' });
    expect(hoistedVariables(hoisted, { first: 5, other: 1 })).toEqual({ first: 5, __literal0: { status: 'TODO' }, __literal1: true, __literal2: 'x' });
    // Left to graphql-js: a literal holding a variable, a variable named like the hoisted ones, two
    // operations, a fragment spread under a directive.
    expect(hoistLiterals(schema, parse(`query($s: Status) { tasks(filter: { status: $s }) { id } }`))).toBeUndefined();
    expect(hoistLiterals(schema, parse(`query($__literal0: Int!) { tasks(first: $__literal0) { id } }`))).toBeUndefined();
    expect(hoistLiterals(schema, parse(`query A { items { __typename } } query B { failing }`))).toBeUndefined();
    expect(hoistLiterals(schema, parse(`query($a: Boolean!) { tasks { ...T @include(if: $a) ...T } } fragment T on Task { id }`))).toBeUndefined();
  });
});
