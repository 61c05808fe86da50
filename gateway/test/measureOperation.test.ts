import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError, parse, getOperationAST } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '@chief/runtime';
import { measureOperation, type MeasureOptions } from '../src/measureOperation.ts';
import { readListSizes } from '../src/readListSizes.ts';

const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
const listSizes = readListSizes(readFileSync('schema/supergraph.graphql', 'utf8'));
const measure = (query: string, variables: Record<string, unknown> = {}, options: Partial<MeasureOptions> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables, { listSizes, maxPageSize: 100, ...options });
};
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions;
  }
  throw new Error('expected a refusal');
};

/** Fragments F0..Fn where each spreads the next twice: 2^n fields if spreads were walked again. */
function doublingFragments(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Task { id ...F${i + 1} ... on Task { ...F${i + 1} } }`);
  return `{ tasks(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')} fragment F${levels} on Task { title }`;
}

describe('measureOperation against the API schema', () => {
  const nested = 'query($n: Int) { tasks(first: $n) { edges { node { id assignee { assignedTasks(first: $n) { edges { node { id } } } } } } } }';

  it('multiplies lists by their page size, nested lists included', () => {
    const small = measure(nested, { n: 2 }).cost;
    const large = measure(nested, { n: 10 }).cost;
    expect(large).toBeGreaterThan(small * 10); // five times the page size, squared: more than ten times the cost
  });

  it('applies a connection\'s page size to its edges only', () => {
    // tasks 1 + edges (1 + 10 × node (1 + id 1 + title 1)) + pageInfo (1 + hasNextPage 1)
    expect(measure('{ tasks(first: 10) { edges { node { id title } } pageInfo { hasNextPage } } }').cost).toBe(1 + (1 + 10 * 3) + 2);
  });

  it('counts an omitted first and an explicit first: null at the default page size, as the lists serve them', () => {
    const byDefault = measure(nested, { n: DEFAULT_PAGE_SIZE }).cost;
    expect(measure(nested, { n: null }).cost).toBe(byDefault);
    expect(measure(nested.replaceAll('(first: $n)', '')).cost).toBe(byDefault);
  });

  it('counts plain lists at their declared bound', () => {
    // viewer 1 + workspaces (1 + 100 × (id 1 + name 1)); links (1 + 8 × (platform 1)) per task
    expect(measure('{ viewer { workspaces { id name } } }').cost).toBe(1 + 1 + 100 * 2);
    expect(measure('{ tasks(first: 1) { edges { node { links { platform } } } } }').cost).toBe(1 + (1 + 1 * (1 + (1 + 8 * 1))));
  });

  it('counts depth through fragments and every alias, and leaves introspection out', () => {
    const size = measure('{ a: viewer { userId } b: viewer { ...W } __schema { types { fields { name } } } } fragment W on Viewer { workspaces { id } }');
    expect(size).toMatchObject({ aliases: 2, depth: 3 });
  });

  it('lets no field lower the cost of another: a negative or oversized page is refused, naming the argument', () => {
    const expensive = '{ tasks(first: 100) { edges { node { assignee { assignedTasks(first: 100) { edges { node { id } } } } } } } }';
    for (const [first, message] of [[-2_000_000_000, /non-negative/], [101, /at most 100/]] as const) {
      const extensions = refusal(() => measure(`{ a: ${expensive.slice(2, -2)} z: contacts(first: ${first}) { edges { node { id } } } }`));
      expect(extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(() => measure(`{ contacts(first: ${first}) { edges { node { id } } } }`)).toThrow(message);
    }
    expect(refusal(() => measure('query($n: Int) { contacts(first: $n) { edges { node { id } } } }', { n: -1 }))).toMatchObject({ field: 'first' });
  });

  it('checks pages even against a supergraph without @listSize, and counts its lists at the largest page', () => {
    const bare = { listSizes: new Map() };
    expect(refusal(() => measure('{ contacts(first: -1) { edges { node { id } } } }', {}, bare))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(measure('{ tasks(first: 1) { edges { node { id } } } }', {}, bare).cost).toBe(1 + (1 + 100 * (1 + 1)));
  });

  it('refuses a cursor that is not one, naming after', () => {
    const forged = Buffer.from('2026-02-30 10:00:00+00|00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(refusal(() => measure(`{ deals(after: "${forged}") { edges { node { id } } } }`))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('measures each fragment once: doubling fragments cost linear work, and their real size is refused', () => {
    const steps = (levels: number) => {
      let budget = 0;
      // The smallest budget that finishes is the work the measure does.
      for (let step = 1 << 16; step >= 1; step >>= 1) {
        try {
          measure(doublingFragments(levels), {}, { maxSteps: budget + step - 1 });
        } catch {
          budget += step;
        }
      }
      return budget;
    };
    const [twenty, forty] = [steps(20), steps(40)];
    expect(forty).toBeLessThan(twenty * 2.5);
    // The cost still counts every field the fragments expand to (2^40 of them): far over any limit.
    expect(measure(doublingFragments(40)).cost).toBeGreaterThan(2 ** 40);
  });

  it('refuses what it cannot finish within its budget', () => {
    expect(refusal(() => measure(doublingFragments(40), {}, { maxSteps: 50 }))).toMatchObject({ code: 'COST_LIMIT_EXCEEDED' });
  });
});
