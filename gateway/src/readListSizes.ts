import { Kind, parse, valueFromASTUntyped, type ConstDirectiveNode, type DefinitionNode } from 'graphql';

/**
 * How long a list field's result can be, from the `@listSize` directive of the cost spec
 * (https://specs.apollo.dev/cost/v0.1, which federation 2.9 composes into the supergraph):
 * a fixed bound (`assumedSize`), or the argument that sets the page size (`slicingArguments`),
 * applied to the child fields named in `sizedFields` (a connection's `edges`) or, without them,
 * to the field itself.
 */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** List sizes by schema coordinate, e.g. `Query.tasks`, `Task.links`. */
export type ListSizes = ReadonlyMap<string, ListSize>;

const COST_SPEC = 'https://specs.apollo.dev/cost/';

/**
 * The name `@listSize` goes by in a supergraph: as imported by its `@link` (possibly renamed),
 * or namespaced (`@cost__listSize`) when linked without importing it.
 */
function listSizeDirectiveName(definitions: readonly DefinitionNode[]): string | undefined {
  for (const definition of definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      if (typeof args.url !== 'string' || !args.url.startsWith(COST_SPEC)) continue;
      for (const entry of (args.import ?? []) as (string | { name: string; as?: string })[]) {
        const [name, as] = typeof entry === 'string' ? [entry, entry] : [entry.name, entry.as ?? entry.name];
        if (name === '@listSize') return as.slice(1);
      }
      return `${typeof args.as === 'string' ? args.as : 'cost'}__listSize`;
    }
  }
  return undefined;
}

function listSizeOf(directive: ConstDirectiveNode): ListSize {
  const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  return {
    ...(typeof args.assumedSize === 'number' ? { assumedSize: args.assumedSize } : {}),
    ...(Array.isArray(args.slicingArguments) ? { slicingArguments: args.slicingArguments as string[] } : {}),
    ...(Array.isArray(args.sizedFields) ? { sizedFields: args.sizedFields as string[] } : {}),
  };
}

/** Every `@listSize` of a supergraph, read once per schema load. */
export function readListSizes(supergraphSdl: string): ListSizes {
  const { definitions } = parse(supergraphSdl);
  const sizes = new Map<string, ListSize>();
  const name = listSizeDirectiveName(definitions);
  if (!name) return sizes;
  for (const definition of definitions) {
    if (!('fields' in definition) || !definition.fields || !('name' in definition) || !definition.name) continue;
    for (const field of definition.fields) {
      const directive = field.directives?.find((d) => d.name.value === name);
      if (directive) sizes.set(`${definition.name.value}.${field.name.value}`, listSizeOf(directive));
    }
  }
  return sizes;
}
