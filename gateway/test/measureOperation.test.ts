import { readFileSync } from 'node:fs';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '@chief/runtime';
import { measureOperation } from '../src/measureOperation.ts';

const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
const measure = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables);
};

describe('measureOperation against the API schema', () => {
  const nested = 'query($n: Int) { tasks(first: $n) { edges { node { id assignee { assignedTasks(first: $n) { edges { node { id } } } } } } } }';

  it('multiplies list fields by their page size, nested lists included', () => {
    const small = measure(nested, { n: 2 }).cost;
    const large = measure(nested, { n: 10 }).cost;
    expect(large).toBeGreaterThan(small * 10); // five times the page size, squared: more than ten times the cost
  });

  it('counts an omitted first and an explicit first: null at the default page size, as the lists serve them', () => {
    const byDefault = measure(nested, { n: DEFAULT_PAGE_SIZE }).cost;
    expect(measure(nested, { n: null }).cost).toBe(byDefault);
    expect(measure(nested.replaceAll('(first: $n)', '')).cost).toBe(byDefault);
  });

  it('counts depth through fragments and every alias, and leaves introspection out', () => {
    const size = measure('{ a: viewer { userId } b: viewer { ...W } __schema { types { fields { name } } } } fragment W on Viewer { workspaces { id } }');
    expect(size).toMatchObject({ aliases: 2, depth: 3 });
  });
});
