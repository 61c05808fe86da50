import {
  GraphQLError, Kind, getArgumentValues, getNamedType, getNullableType, getVariableValues, isCompositeType, isInterfaceType, isListType, isObjectType,
  type ASTNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, ErrorCode, isCursor } from '@chief/runtime';
import type { ListSizes } from './readListSizes.ts';

export interface OperationSize {
  /** Deepest field nesting, introspection excluded. */
  depth: number;
  /** Fields asked for under another response name, each time a fragment holding them is spread. */
  aliases: number;
  /** Every field counts 1; a list counts its size times what each item selects (see measureOperation). */
  cost: number;
}

export interface MeasureOptions {
  listSizes: ListSizes;
  /** MAX_PAGE_SIZE: the largest page a slicing argument may ask for, and the size of a list with no `@listSize`. */
  maxPageSize: number;
  /** Units of work (selections visited, fragment results reused) after which the operation is refused. */
  maxSteps?: number;
}

/** A field's cost, and its parts, so that a connection can size the children it names in `sizedFields`. */
interface FieldCost {
  cost: number;
  /** The field's own weight: 1 for each time the field is selected. */
  own: number;
  /** What one item (or the one object) selects. */
  items: number;
}

/** What a selection set adds up to; kept per fragment, so each fragment is measured once. */
interface Measure {
  depth: number;
  aliases: number;
  /** The set's fields by schema field name, summed where a name is selected more than once. */
  fields: Map<string, FieldCost>;
}

// Costs saturate instead of overflowing to Infinity; anything this large is far over any limit.
const CAP = Number.MAX_SAFE_INTEGER;
const sat = (value: number) => Math.min(value, CAP);
const total = (fields: Map<string, FieldCost>) => {
  let sum = 0;
  for (const { cost } of fields.values()) sum = sat(sum + cost);
  return sum;
};
const add = (fields: Map<string, FieldCost>, name: string, field: FieldCost) => {
  const known = fields.get(name);
  fields.set(name, known ? { cost: sat(known.cost + field.cost), own: sat(known.own + field.own), items: sat(known.items + field.items) } : field);
};

function refusal(message: string, node: ASTNode, extensions: Record<string, unknown>) {
  return new GraphQLError(message, { nodes: [node], extensions: { ...extensions, http: { status: 400 } } });
}

/**
 * How big an operation is, measured before anything runs, in time linear in the document: each
 * fragment is measured once and its result reused at every spread, and the whole measure stops
 * after `maxSteps` units of work. Every field costs 1. A list costs 1 plus its size times what each
 * item selects: the size is the page a slicing argument asks for (`first`, checked here to be a
 * whole number from 0 to MAX_PAGE_SIZE, with `after` a cursor, so a bad page is refused before
 * any subgraph runs), or the `@listSize(assumedSize:)` bound, or MAX_PAGE_SIZE for a list with
 * neither. Nothing lowers a cost: sizes are never negative and costs only add up. Introspection
 * (`__schema`, `__type`) is left out; graphql-js bounds its depth.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: MeasureOptions,
): OperationSize {
  const { listSizes, maxPageSize, maxSteps = 100_000 } = options;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (coerced.errors) throw coerced.errors[0]!;
  const variableValues = coerced.coerced;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const measured = new Map<string, Measure>();
  let steps = 0;
  const spend = (units: number, node: ASTNode) => {
    steps += units;
    if (steps > maxSteps) {
      throw refusal(`The operation is too large to measure (more than ${maxSteps} steps)`, node, { code: ErrorCode.COST_LIMIT_EXCEEDED, limit: maxSteps });
    }
  };

  const merge = (into: Measure, from: Measure) => {
    into.depth = Math.max(into.depth, from.depth);
    into.aliases = sat(into.aliases + from.aliases);
    for (const [name, field] of from.fields) add(into.fields, name, field);
  };

  const fragment = (name: string): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    const type = definition && schema.getType(definition.typeCondition.name.value);
    const result: Measure = { depth: 0, aliases: 0, fields: new Map() };
    // Validation has ruled out cycles and unknown fragments; the placeholder keeps a cycle finite anyway.
    measured.set(name, result);
    if (definition && isCompositeType(type)) measureSet(definition.selectionSet, type, result);
    return result;
  };

  /**
   * A field's page, checked: its slicing arguments (those `@listSize` names, or, where the
   * supergraph declares none, a `first` the field takes) must be whole numbers from 0 to
   * MAX_PAGE_SIZE, and its `after` a cursor. Returns the largest slicing value given, if any.
   */
  const pageOf = (coordinate: string, field: GraphQLField<unknown, unknown>, node: FieldNode, slicing: readonly string[]): number | undefined => {
    const args = getArgumentValues(field, node, variableValues);
    const refuse = (argument: string, message: string) =>
      refusal(`${coordinate}: ${message}`, node.arguments?.find((a) => a.name.value === argument) ?? node, { code: ErrorCode.BAD_USER_INPUT, field: argument });
    let size: number | undefined;
    for (const argument of slicing) {
      const value = args[argument];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw refuse(argument, `${argument} must be a non-negative integer`);
      if (value > maxPageSize) throw refuse(argument, `${argument} must be at most ${maxPageSize}`);
      size = Math.max(size ?? 0, value);
    }
    if (typeof args.after === 'string' && args.after !== '' && !isCursor(args.after)) throw refuse('after', 'after is not a cursor returned by this list');
    return size;
  };

  const measureField = (node: FieldNode, parent: GraphQLCompositeType, into: Measure) => {
    const name = node.name.value;
    if (node.alias) into.aliases = sat(into.aliases + 1);
    if (name === '__schema' || name === '__type') return;
    const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!field) {
      // __typename, on any composite type: a leaf like any other.
      into.depth = Math.max(into.depth, 1);
      add(into.fields, name, { cost: 1, own: 1, items: 0 });
      return;
    }
    const child: Measure = { depth: 0, aliases: 0, fields: new Map() };
    const itemType = getNamedType(field.type);
    if (node.selectionSet && isCompositeType(itemType)) measureSet(node.selectionSet, itemType, child);
    into.depth = Math.max(into.depth, 1 + child.depth);
    into.aliases = sat(into.aliases + child.aliases);

    const coordinate = `${parent.name}.${name}`;
    const declared = listSizes.get(coordinate);
    const slicing = declared?.slicingArguments ?? field.args.filter((a) => a.name === 'first').map((a) => a.name);
    const page = slicing.length ? pageOf(coordinate, field, node, slicing) : undefined;
    // A sliced list left to its default serves the lists' default page size; a list that
    // declares no size counts as the largest page.
    const size = page ?? declared?.assumedSize ?? (declared?.slicingArguments ? DEFAULT_PAGE_SIZE : maxPageSize);
    const items = total(child.fields);
    let cost: number;
    if (declared?.sizedFields) {
      // A connection: its page size applies to one item of each child it names (edges, in place
      // of the child's own list size); the other children count once.
      cost = 1;
      for (const [childName, childCost] of child.fields) {
        cost = sat(cost + (declared.sizedFields.includes(childName) ? childCost.own + size * childCost.items : childCost.cost));
      }
    } else if (isListType(getNullableType(field.type)) && isCompositeType(itemType)) {
      cost = sat(1 + size * items);
    } else {
      cost = sat(1 + items);
    }
    add(into.fields, name, { cost, own: 1, items });
  };

  const measureSet = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, into: Measure) => {
    for (const selection of selectionSet.selections) {
      spend(1, selection);
      if (selection.kind === Kind.FIELD) measureField(selection, parent, into);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const spread = fragment(selection.name.value);
        spend(spread.fields.size, selection); // reusing a result costs as much as it has fields to add
        merge(into, spread);
      }
      else {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) measureSet(selection.selectionSet, type, into);
      }
    }
  };

  const root = schema.getRootType(operation.operation);
  const result: Measure = { depth: 0, aliases: 0, fields: new Map() };
  if (root) measureSet(operation.selectionSet, root, result);
  return { depth: result.depth, aliases: result.aliases, cost: total(result.fields) };
}
