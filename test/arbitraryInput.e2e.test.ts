import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, isCompositeType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, fingerprint, tenantTables, type OwnerSql } from './support/databaseOwner.ts';
import { expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/**
 * Arbitrary input at every argument of every query and mutation of the API schema, through the
 * real gateway, as a careless client or an attacker would send it: strings with NUL and odd
 * Unicode, huge and negative numbers, forged cursors, deep JSON, values of the wrong type. Chief
 * must answer each with a client error or data: never 5xx, never INTERNAL, and a refused
 * mutation writes nothing.
 */
const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

const cursor = (text: string) => Buffer.from(text).toString('base64url');
const extremeInts = [0, -1, 1, 100, 101, -2_147_483_648, 2_147_483_647];

/** Values for an input type: mostly of the right shape, sometimes not at all. */
function valueOf(type: GraphQLInputType, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  // Mostly well typed, so most requests reach the resolvers and the database with one odd value.
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(null));
  if (isNonNullType(type)) return fc.oneof({ weight: 30, arbitrary: valueOf(type.ofType, ids, depth) }, { weight: 1, arbitrary: wrong });
  const nullable = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof({ weight: 24, arbitrary }, { weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrong });
  if (isListType(type)) return nullable(fc.array(valueOf(type.ofType, ids, depth + 1), { maxLength: 4 }));
  if (isEnumType(type)) return nullable(fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.name)), fc.string()));
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant(null);
    return nullable(someFields(Object.values(type.getFields()), ids, depth + 1));
  }
  if (!isScalarType(type)) return wrong;
  const strings = fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '%_\\', "'; drop table core.contacts; --", 'x'.repeat(30_000), 'ü'.repeat(600), 'a@b.co', 'https://x.test/a') },
  );
  switch (type.name) {
    case 'Int':
      return nullable(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 120 }) }, { weight: 2, arbitrary: fc.constantFrom(...extremeInts) }, { weight: 1, arbitrary: fc.integer() }));
    case 'Float':
      return nullable(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-1e308, 1e308, 0.5)));
    case 'Boolean':
      return nullable(fc.boolean());
    case 'ID':
      return nullable(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: strings }));
    case 'DateTime':
    case 'Date':
      return nullable(
        fc.oneof(
          fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => (type.name === 'Date' ? d.toISOString().slice(0, 10) : d.toISOString())),
          fc.constantFrom('2026-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2026-01-01T24:00:00Z', '275760-09-13T00:00:00Z', '2026-02-29', '2024-02-29', 'tomorrow'),
          strings,
        ),
      );
    case 'JSONObject':
      return nullable(fc.oneof(fc.object({ maxDepth: 4 }), fc.dictionary(strings, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })));
    default:
      // String: free text, and cursors, which are strings too.
      return nullable(
        fc.oneof(
          strings,
          fc.constantFrom('2026', '2026-02-30 10:00:00+00', '275760-01-01 00:00:00+00', '2026-01-01 10:00:00+99', '2026-01-01 10:00:00.123456+00').map((t) => cursor(`${t}|${randomUUID()}`)),
          fc.string({ maxLength: 60 }).map(cursor),
        ),
      );
  }
}

/**
 * An object of arguments or input fields: the required ones always, each optional one now and
 * then, so that most requests are plausible and one odd value at a time gets deep.
 */
function someFields(fields: readonly { name: string; type: GraphQLInputType }[], ids: string[], depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const entries = fields.map((f) => [f.name, isNonNullType(f.type) ? valueOf(f.type, ids, depth) : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: valueOf(f.type, ids, depth) })] as const);
  return fc.record(Object.fromEntries(entries)).map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
}

/** One operation for a root field with every argument as a variable, selecting only what identifies the result. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const variables = field.args.map((a) => `$${a.name}: ${a.type.toString()}`);
  const args = field.args.map((a) => `${a.name}: $${a.name}`);
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${kind}${variables.length ? `(${variables.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe('arbitrary input at every argument of the API', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let tables: Map<string, string>;
  let ids: string[];

  beforeAll(async () => {
    chief = await startTestChief({ RATE_LIMIT_USER_MAX: '1000000' });
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Fuzzed');
    tables = await tenantTables(sql);
    const made = expectData(await chief.request<Ids<'t' | 'c' | 'd'>>(
      `mutation { t: createTask(input: { title: "Target" }) { id } c: createContact(input: { name: "Target" }) { id } d: createDeal(input: { title: "Target" }) { id } }`,
      {}, { token: ws.users.owner.token },
    ));
    ids = [made.t.id, made.c.id, made.d.id, ws.founderId];
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  for (const kind of ['query', 'mutation'] as const) {
    const root = (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
    for (const field of Object.values(root.getFields()).filter((f) => f.args.length > 0)) {
      it(`${kind} ${field.name}: answers every input with data or a client error, and a refused mutation writes nothing`, async () => {
        const query = operationFor(kind, field);
        const argument = someFields(field.args, ids);
        await fc.assert(
          fc.asyncProperty(argument, async (variables) => {
            const before = kind === 'mutation' ? await fingerprint(sql, tables, ws.id) : undefined;
            const result = await chief.request<Record<string, unknown>>(query, variables as Record<string, unknown>, { token: ws.users.owner.token });
            const internal = result.body.errors?.filter((e) => e.extensions?.code === 'INTERNAL' || !e.extensions?.code) ?? [];
            expect(result.status, JSON.stringify(result.body)).toBeLessThan(500);
            expect(internal, JSON.stringify({ variables, errors: result.body.errors })).toEqual([]);
            if (before && (result.body.data?.[field.name] ?? null) === null) expect(await fingerprint(sql, tables, ws.id)).toEqual(before);
          }),
          { numRuns: RUNS },
        );
      });
    }
  }
});
