import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, getNamedType, getNullableType, isCompositeType, isListType, isObjectType, isInterfaceType, parse, validate, type GraphQLSchema } from 'graphql';
import { readListSizes, type ListSizes } from '@chief/gateway';
import { z } from 'zod';
import { composeSubgraphs, registryFiles, type SubgraphSource } from './schemaRegistry.ts';

/** A breaking change a reviewer accepted, from schema/accepted-changes.json. */
export const acceptedChangesSchema = z.object({
  accepted: z.array(
    z.object({
      /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
      type: z.string().min(1),
      /** The schema coordinate, e.g. Query.legacyTasks. */
      path: z.string().min(1),
      reason: z.string().min(10, 'say why the break is acceptable'),
      reviewedBy: z.string().min(1),
    }),
  ),
});
export type AcceptedChange = z.infer<typeof acceptedChangesSchema>['accepted'][number];

/** An operation a client sends: from the operations folder or a persisted-operation manifest. */
export interface ClientOperation {
  source: string;
  document: string;
}

export interface SchemaCheckInput {
  subgraphs: SubgraphSource[];
  /** The registry files as committed, by path (every .graphql file under schema/). */
  committed: Record<string, string | undefined>;
  /** The API schema to compare with (the base branch's, or a given file); none on a first publish. */
  base?: { label: string; apiSdl: string };
  accepted: AcceptedChange[];
  operations: ClientOperation[];
}

export interface SchemaChange {
  level: 'breaking' | 'dangerous' | 'safe';
  type: string;
  path: string;
  message: string;
  /** Why a reviewer accepted this breaking change. */
  acceptedBecause?: string;
}

export interface SchemaCheckReport {
  ok: boolean;
  compositionErrors: string[];
  staleFiles: string[];
  undocumented: string[];
  unboundedLists: string[];
  changes: SchemaChange[];
  invalidOperations: { source: string; errors: string[] }[];
  baseLabel?: string;
}

const levels: Record<CriticalityLevel, SchemaChange['level']> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/**
 * Everything CI checks about a schema change: the subgraphs compose, the registry files are the
 * ones the code generates, every public definition is described, no unaccepted breaking change
 * against the base, and every known client operation still validates.
 */
export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const report: SchemaCheckReport = { ok: false, compositionErrors: [], staleFiles: [], undocumented: [], unboundedLists: [], changes: [], invalidOperations: [], baseLabel: input.base?.label };
  report.undocumented = input.subgraphs.flatMap((s) => undocumentedDefinitions(s));
  const composition = composeSubgraphs(input.subgraphs);
  if (!composition.ok) {
    report.compositionErrors = composition.errors;
    return report;
  }
  const expected = registryFiles(input.subgraphs, composition);
  report.staleFiles = [
    ...Object.keys(expected).filter((path) => input.committed[path] !== expected[path]),
    // A registry file nothing generates any more (a removed subgraph) is stale too.
    ...Object.keys(input.committed).filter((path) => !(path in expected) && input.committed[path] !== undefined),
  ];
  const apiSchema = buildSchema(composition.apiSchemaSdl);
  report.unboundedLists = unboundedLists(apiSchema, readListSizes(composition.supergraphSdl));
  if (input.base) report.changes = await classifyChanges(buildSchema(input.base.apiSdl), apiSchema, input.accepted);
  report.invalidOperations = input.operations.flatMap((operation) => {
    const errors = operationErrors(apiSchema, operation.document);
    return errors.length ? [{ source: operation.source, errors }] : [];
  });
  report.ok =
    report.staleFiles.length === 0 &&
    report.undocumented.length === 0 &&
    report.unboundedLists.length === 0 &&
    report.invalidOperations.length === 0 &&
    !report.changes.some((c) => c.level === 'breaking' && !c.acceptedBecause);
  return report;
}

async function classifyChanges(base: GraphQLSchema, next: GraphQLSchema, accepted: AcceptedChange[]): Promise<SchemaChange[]> {
  const changes: Change[] = await diff(base, next);
  return changes.map((change) => {
    const path = change.path ?? '';
    const level = levels[change.criticality.level];
    const acceptance = level === 'breaking' ? accepted.find((a) => a.type === change.type && a.path === path) : undefined;
    return { level, type: change.type, path, message: change.message, ...(acceptance ? { acceptedBecause: acceptance.reason } : {}) };
  });
}

function operationErrors(schema: GraphQLSchema, document: string): string[] {
  try {
    return validate(schema, parse(document)).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

/** Coordinates of the types, fields, arguments, input fields and enum values with no description. */
export function undocumentedDefinitions(subgraph: SubgraphSource): string[] {
  const missing: string[] = [];
  const need = (node: { description?: unknown }, coordinate: string) => {
    if (!node.description) missing.push(`${subgraph.name}: ${coordinate}`);
  };
  for (const definition of parse(subgraph.sdl).definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    // Root types are described by their fields; extensions by the type they extend.
    if ('description' in definition && !ROOT_TYPES.has(type) && !definition.kind.endsWith('_EXTENSION')) need(definition, type);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        need(field, `${type}.${field.name.value}`);
        if ('arguments' in field) for (const arg of field.arguments ?? []) need(arg, `${type}.${field.name.value}(${arg.name.value}:)`);
      }
    }
    if ('values' in definition) for (const value of definition.values ?? []) need(value, `${type}.${value.name.value}`);
  }
  return missing;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Lists the gateway's cost measure cannot bound: a connection without its page argument
 * (`@listSize(slicingArguments: ["first"], sizedFields: ["edges"])`), or a plain list of objects
 * with neither `@listSize(assumedSize:)` nor a slicing argument, which the measure would count at
 * MAX_PAGE_SIZE, whatever the list really holds. A connection's own edges are sized by the field that returns it.
 */
export function unboundedLists(schema: GraphQLSchema, listSizes: ListSizes): string[] {
  const unbounded: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__') || type.name.endsWith('Connection')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      const declared = listSizes.get(coordinate);
      if (named.name.endsWith('Connection') && !(declared?.slicingArguments?.includes('first') && declared.sizedFields?.includes('edges'))) {
        unbounded.push(`${coordinate}: a connection needs @listSize(slicingArguments: ["first"], sizedFields: ["edges"])`);
      } else if (isListType(getNullableType(field.type)) && isCompositeType(named) && declared?.assumedSize === undefined && !declared?.slicingArguments?.length) {
        unbounded.push(`${coordinate}: a list of objects needs @listSize(assumedSize: N), N the most it can hold, or the argument that sizes it (slicingArguments)`);
      }
    }
  }
  return unbounded;
}

/** The report as CI prints it. */
export function formatReport(report: SchemaCheckReport): string {
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push('', title, ...items.map((i) => `  - ${i}`));
  };
  section('The subgraphs do not compose:', report.compositionErrors);
  section('Stale registry files (run `npm run schema:publish` and commit):', report.staleFiles);
  section('Undocumented public definitions (add a description):', report.undocumented);
  section('Lists without a bound for the cost limit:', report.unboundedLists);
  const byLevel = (level: SchemaChange['level']) => report.changes.filter((c) => c.level === level);
  const breaking = byLevel('breaking');
  section(
    `Breaking changes against ${report.baseLabel} (declare reviewed ones in schema/accepted-changes.json):`,
    breaking.filter((c) => !c.acceptedBecause).map((c) => `${c.path}: ${c.message} [${c.type}]`),
  );
  section('Accepted breaking changes:', breaking.filter((c) => c.acceptedBecause).map((c) => `${c.path}: ${c.message} (accepted: ${c.acceptedBecause})`));
  section('Dangerous changes (allowed; check the clients):', byLevel('dangerous').map((c) => `${c.path}: ${c.message}`));
  section('Safe changes:', byLevel('safe').map((c) => `${c.path}: ${c.message}`));
  section('Client operations that no longer validate:', report.invalidOperations.map((o) => `${o.source}: ${o.errors.join('; ')}`));
  if (!report.baseLabel) lines.push('', 'No base schema to compare with: the diff was skipped.');
  lines.push('', report.ok ? 'schema check passed' : 'schema check FAILED');
  return lines.join('\n').trimStart();
}
