import { Kind, TypeInfo, parseType, print, visit, visitWithTypeInfo, valueFromASTUntyped, type ConstValueNode, type DocumentNode, type GraphQLSchema, type TypeNode, type ValueNode, type VariableDefinitionNode } from 'graphql';

/** A document whose literals are variables, and the raw values they stand for. */
export interface HoistedDocument {
  document: DocumentNode;
  /** The hoisted document as text: documents that differ only in their literals share it. */
  text: string;
  /** The operation's own variables (declared by the client or the gateway). */
  declared: readonly string[];
  /** The hoisted literals and the declared variables' defaults, by variable name, as written. */
  literals: ReadonlyMap<string, ConstValueNode>;
  defaults: ReadonlyMap<string, ConstValueNode>;
}

/** The hoisted variables are named this prefix and a counter; a document already using the prefix is not hoisted. */
const PREFIX = '__literal';

/**
 * A one-operation document with every literal argument value replaced by a variable, and no
 * variable defaults: nothing a client wrote is left in it but names. A compiler that writes
 * argument values into generated code (graphql-jit does, and a string can break out of it) then
 * sees none. Undefined when the document has several operations, an argument whose literal
 * contains a variable (`{ status: $s }`), a number a variable would not carry exactly (beyond 2^53,
 * `-0`, a float that overflows), a variable named like ours, a fragment spread under a directive,
 * or anything else left over: run it uncompiled.
 */
export function hoistLiterals(schema: GraphQLSchema, document: DocumentNode): HoistedDocument | undefined {
  if (document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length !== 1) return undefined;
  const literals = new Map<string, ConstValueNode>();
  const defaults = new Map<string, ConstValueNode>();
  const declared: string[] = [];
  const definitions: VariableDefinitionNode[] = [];
  let refused = false;
  const typeInfo = new TypeInfo(schema);
  const hoisted = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition(node) {
        const name = node.variable.name.value;
        declared.push(name);
        if (name.startsWith(PREFIX)) refused = true;
        if (!node.defaultValue) return undefined;
        if (!exactAsVariable(node.defaultValue)) refused = true;
        defaults.set(name, node.defaultValue);
        return { ...node, defaultValue: undefined };
      },
      FragmentSpread(node) {
        // graphql-jit marks a fragment visited before it knows a spread's condition.
        if (node.directives?.length) refused = true;
      },
      Argument(node) {
        if (node.value.kind === Kind.VARIABLE) return undefined;
        const type = typeInfo.getInputType();
        if (!type || !exactAsVariable(node.value)) {
          refused = true;
          return undefined;
        }
        const name = `${PREFIX}${literals.size}`;
        literals.set(name, node.value as ConstValueNode);
        definitions.push({ kind: Kind.VARIABLE_DEFINITION, variable: variable(name), type: typeNode(type.toString()) });
        return { ...node, value: variable(name) };
      },
    }),
  );
  if (refused) return undefined;
  const withDefinitions: DocumentNode = {
    ...hoisted,
    definitions: hoisted.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION ? { ...definition, variableDefinitions: [...(definition.variableDefinitions ?? []), ...definitions] } : definition,
    ),
  };
  if (!onlyNamesLeft(withDefinitions)) return undefined;
  return { document: withDefinitions, text: print(withDefinitions), declared, literals, defaults };
}

/**
 * The raw variables a hoisted document runs with: the operation's declared ones as the request
 * gave them (or their defaults when left out), then the literals. Made afresh for each request,
 * so no request sees an object another one's resolvers were handed.
 */
export function hoistedVariables(hoisted: HoistedDocument, variables: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null);
  for (const name of hoisted.declared) {
    const given = variables && Object.hasOwn(variables, name) ? variables[name] : undefined;
    const fallback = hoisted.defaults.get(name);
    if (given !== undefined) values[name] = given;
    else if (fallback) values[name] = valueFromASTUntyped(fallback);
  }
  for (const [name, literal] of hoisted.literals) values[name] = valueFromASTUntyped(literal);
  return values;
}

const variable = (name: string) => ({ kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } }) as const;
const typeNode = (type: string): TypeNode => parseType(type, { noLocation: true });

/**
 * True when the literal holds no variable and means the same as a variable's JSON value: graphql-js
 * keeps an integer literal's digits for an ID and hands a Float literal's overflow on as Infinity,
 * where a number in a variable is a double and Infinity no Float.
 */
function exactAsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return false;
    case Kind.INT:
      return String(Number(value.value)) === value.value;
    case Kind.FLOAT:
      return Number.isFinite(Number(value.value));
    case Kind.LIST:
      return value.values.every(exactAsVariable);
    case Kind.OBJECT:
      return value.fields.every((field) => exactAsVariable(field.value));
    default:
      return true;
  }
}

/** True when every argument, of fields and of directives, is a variable, and no variable has a default. */
function onlyNamesLeft(document: DocumentNode): boolean {
  let clean = true;
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue || node.directives?.length) clean = false;
      return false;
    },
    Argument(node) {
      if (node.value.kind !== Kind.VARIABLE) clean = false;
    },
  });
  return clean;
}
