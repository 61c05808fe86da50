import {
  Kind, print, visit,
  type DefinitionNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLFormattedError, type NameNode, type OperationDefinitionNode,
} from 'graphql';

/** What is sent to a subgraph: an operation's text, variables and name. */
export interface SubgraphRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

/** One subgraph fetch of a query plan, with its operation parsed. */
export interface FetchOperation extends SubgraphRequest {
  document: DocumentNode;
}

/** A subgraph's answer, as the gateway's executor reads it. */
export interface FetchResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** Several fetches as one operation, and how to give each its part of the answer. */
export interface MergedOperation extends SubgraphRequest {
  /**
   * Each fetch's response, as if it had been sent alone. Undefined when the answer cannot be
   * split: `data` is null because a non-null root field failed, which nulls every fetch's part,
   * so each must be sent alone to learn whose it was.
   */
  split(response: FetchResponse): FetchResponse[] | undefined;
}

const mergeable = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a fetch can travel with others: one query whose root selections are fields (the
 * gateway's `_entities` fetches, and its root fetches). Mutations never do: their fields run one
 * after the other, and each is its own idempotent part.
 */
export function isMergeable(document: DocumentNode): boolean {
  let answer = mergeable.get(document);
  if (answer === undefined) {
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const [operation] = operations;
    answer =
      operations.length === 1 &&
      operation!.operation === 'query' &&
      !operation!.directives?.length &&
      operation!.selectionSet.selections.every((s) => s.kind === Kind.FIELD);
    mergeable.set(document, answer);
  }
  return answer;
}

/** What a merge of the same operations always is; the variables differ per call. */
interface MergeTemplate {
  query: string;
  operationName: string | undefined;
}

// The gateway's plans are cached, so the same few combinations come back again and again.
const MAX_TEMPLATES = 500;
const templates = new Map<string, MergeTemplate>();

/**
 * Sets a key of an answer as an own property, whatever its name: a client may alias a field
 * `__proto__`, which plain assignment would take for the object's prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const prefixOf = (index: number) => `b${index}_`;
const PREFIXED = /^b(\d+)_/;
const renamed = (name: NameNode, prefix: string): NameNode => ({ ...name, value: prefix + name.value });

/** A fetch's document with every name of its own prefixed (variables, fragments, root response names). */
function prefixed(document: DocumentNode, prefix: string): { operation: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  const result = visit(document, {
    Variable: (node) => ({ ...node, name: renamed(node.name, prefix) }),
    FragmentSpread: (node) => ({ ...node, name: renamed(node.name, prefix) }),
    FragmentDefinition: (node) => ({ ...node, name: renamed(node.name, prefix) }),
  });
  const operation = result.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fields = (operation.selectionSet.selections as FieldNode[]).map((field) => ({ ...field, alias: renamed(field.alias ?? field.name, prefix) }));
  return {
    operation: { ...operation, selectionSet: { ...operation.selectionSet, selections: fields } },
    fragments: result.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION),
  };
}

function template(fetches: readonly FetchOperation[]): MergeTemplate {
  const key = fetches.map((f) => `${f.operationName ?? ''}\n${f.query}`).join('\n\0');
  const cached = templates.get(key);
  if (cached) return cached;
  const parts = fetches.map((fetch, index) => prefixed(fetch.document, prefixOf(index)));
  const [first] = fetches;
  const name = first!.operationName ? `${first!.operationName}__batch${fetches.length}` : undefined;
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: parts[0]!.operation.operation,
    ...(name ? { name: { kind: Kind.NAME, value: name } } : {}),
    variableDefinitions: parts.flatMap((p) => p.operation.variableDefinitions ?? []),
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: parts.flatMap((p) => p.operation.selectionSet.selections) },
  };
  const definitions: DefinitionNode[] = [operation, ...parts.flatMap((p) => p.fragments)];
  const merged = { query: print({ kind: Kind.DOCUMENT, definitions }), operationName: name };
  if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
  templates.set(key, merged);
  return merged;
}

/**
 * Merges fetches for one subgraph into one operation: each fetch's variables, fragments and root
 * fields are prefixed with its position (`b0_`, `b1_`, ...), so nothing of one can meet anything
 * of another, and the answer is split back by those prefixes, errors by the first step of their
 * path (without its locations, which point into the merged document). An error without a path
 * belongs to the whole request and is given to the first fetch only, so the client sees it once.
 * Every fetch passed must be mergeable (isMergeable).
 */
export function mergeOperations(fetches: readonly FetchOperation[]): MergedOperation {
  const { query, operationName } = template(fetches);
  const variables: Record<string, unknown> = {};
  fetches.forEach((fetch, index) => {
    for (const [name, value] of Object.entries(fetch.variables)) variables[prefixOf(index) + name] = value;
  });
  return {
    query,
    ...(operationName ? { operationName } : {}),
    variables,
    split({ data, errors, extensions }) {
      if (!data) return undefined;
      const parts = fetches.map(() => ({ data: {} as Record<string, unknown>, errors: [] as GraphQLFormattedError[] }));
      const partOf = (key: unknown) => {
        const match = typeof key === 'string' ? PREFIXED.exec(key) : null;
        const part = match ? parts[Number(match[1])] : undefined;
        return part ? { part, key: (key as string).slice(match![0].length) } : undefined;
      };
      for (const [key, value] of Object.entries(data)) {
        const found = partOf(key);
        if (found) setOwn(found.part.data, found.key, value);
      }
      for (const error of errors ?? []) {
        const found = partOf(error.path?.[0]);
        // Locations point into the merged document, which no fetch of the plan has seen.
        const { locations: _locations, ...located } = error;
        if (found) found.part.errors.push({ ...located, path: [found.key, ...error.path!.slice(1)] });
        else parts[0]!.errors.push(located);
      }
      return parts.map(({ data: part, errors: partErrors }) => ({ data: part, ...(partErrors.length ? { errors: partErrors } : {}), ...(extensions ? { extensions } : {}) }));
    },
  };
}
