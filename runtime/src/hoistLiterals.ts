import { Kind, TypeInfo, parseType, visit, visitWithTypeInfo, valueFromASTUntyped, type DocumentNode, type GraphQLSchema, type TypeNode, type ValueNode, type VariableDefinitionNode } from 'graphql';

/** A document whose literals are variables, and the raw values they stand for. */
export interface HoistedDocument {
  document: DocumentNode;
  /** Raw variable values (as a client would send them) of the hoisted literals. */
  literals: Record<string, unknown>;
  /** Raw default values of the operation's variables, applied when the request leaves one out. */
  defaults: Record<string, unknown>;
}

/** The hoisted variables are named this prefix and a counter; a document already using the prefix is not hoisted. */
const PREFIX = '__literal';

/**
 * A one-operation document with every literal argument value replaced by a variable, and no
 * variable defaults: nothing a client wrote is left in it but names. A compiler that writes
 * argument values into generated code (graphql-jit does, and a string can break out of it) then
 * sees none. Undefined when the document has several operations, an argument whose literal
 * contains a variable (`{ status: $s }`), a variable named like ours, or anything else left over:
 * run it uncompiled.
 */
export function hoistLiterals(schema: GraphQLSchema, document: DocumentNode): HoistedDocument | undefined {
  if (document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length !== 1) return undefined;
  const literals: Record<string, unknown> = {};
  const definitions: VariableDefinitionNode[] = [];
  const defaults: Record<string, unknown> = {};
  let refused = false;
  let counter = 0;
  const typeInfo = new TypeInfo(schema);
  const hoisted = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition(node) {
        if (node.variable.name.value.startsWith(PREFIX)) refused = true;
        if (!node.defaultValue) return undefined;
        defaults[node.variable.name.value] = valueFromASTUntyped(node.defaultValue);
        return { ...node, defaultValue: undefined };
      },
      Argument(node) {
        if (node.value.kind === Kind.VARIABLE) return undefined;
        const type = typeInfo.getInputType();
        if (!type || containsVariable(node.value)) {
          refused = true;
          return undefined;
        }
        const name = `${PREFIX}${counter++}`;
        literals[name] = valueFromASTUntyped(node.value);
        definitions.push({ kind: Kind.VARIABLE_DEFINITION, variable: variable(name), type: typeNode(type.toString()) });
        return { ...node, value: variable(name) };
      },
    }),
  );
  if (refused) return undefined;
  const withDefinitions: DocumentNode = {
    ...hoisted,
    definitions: hoisted.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION
        ? { ...definition, variableDefinitions: [...(definition.variableDefinitions ?? []), ...definitions] }
        : definition,
    ),
  };
  return onlyNamesLeft(withDefinitions) ? { document: withDefinitions, literals, defaults } : undefined;
}

/** The raw variables a hoisted document runs with: the request's, their defaults, the literals. */
export function hoistedVariables(hoisted: HoistedDocument, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = { ...hoisted.literals };
  for (const [name, value] of Object.entries(hoisted.defaults)) values[name] = value;
  if (variables) for (const [name, value] of Object.entries(variables)) if (value !== undefined) values[name] = value;
  return values;
}

const variable = (name: string) => ({ kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } }) as const;
const typeNode = (type: string): TypeNode => parseType(type, { noLocation: true });

function containsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return value.values.some(containsVariable);
    case Kind.OBJECT:
      return value.fields.some((field) => containsVariable(field.value));
    default:
      return false;
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
