import { Kind, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { setOwn, type FetchOperation, type FetchResponse } from './mergeOperations.ts';

const entityFetches = new WeakMap<DocumentNode, boolean>();

/** Whether a document is the gateway's entity fetch: one `_entities(representations: $representations)` at its root. */
function isEntityFetch(document: DocumentNode): boolean {
  let answer = entityFetches.get(document);
  if (answer === undefined) {
    const [operation, ...others] = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const [field, ...siblings] = operation?.selectionSet.selections ?? [];
    answer =
      !others.length &&
      !siblings.length &&
      field?.kind === Kind.FIELD &&
      field.name.value === '_entities' &&
      !field.alias &&
      field.arguments?.length === 1 &&
      field.arguments[0]!.value.kind === Kind.VARIABLE &&
      field.arguments[0]!.value.name.value === 'representations';
    entityFetches.set(document, answer);
  }
  return answer;
}

/** A representation as a string that is equal exactly when the representations are (most are a type and an id). */
function keyOf(representation: unknown): string {
  const { __typename, id } = representation as { __typename?: unknown; id?: unknown };
  if (typeof __typename === 'string' && typeof id === 'string') {
    let keys = 0;
    for (const _ in representation as object) keys++;
    if (keys === 2) return `${__typename}\u0000${id}`;
  }
  return `\u0001${JSON.stringify(representation)}`;
}

/** A copy of a JSON value, so that no two entities of an answer share an object the executor writes into. */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) setOwn(copy, key, copyJson((value as Record<string, unknown>)[key]));
  return copy;
}

/**
 * An entity fetch asks for each entity the plan reached, so the same one comes again and again
 * (100 tasks with three assignees ask for 100 members). The fetch is sent with each distinct
 * representation once and its answer expanded back to one entity (a copy) per representation
 * asked for, errors too (`_entities.<i>` for every position that asked). Undefined when there is
 * nothing to remove.
 */
export function uniqueRepresentations(fetch: FetchOperation): { fetch: FetchOperation; expand(response: FetchResponse): FetchResponse } | undefined {
  const representations = fetch.variables.representations;
  if (!Array.isArray(representations) || representations.length < 2 || !isEntityFetch(fetch.document)) return undefined;
  const positions = new Map<string, number>();
  const unique: unknown[] = [];
  // Where each representation asked for is among the unique ones, and which asked for each first.
  const firsts: number[] = [];
  const sources = representations.map((representation, i) => {
    const key = keyOf(representation);
    let position = positions.get(key);
    if (position === undefined) {
      position = unique.push(representation) - 1;
      positions.set(key, position);
      firsts.push(i);
    }
    return position;
  });
  if (unique.length === representations.length) return undefined;
  return {
    fetch: { ...fetch, variables: { ...fetch.variables, representations: unique } },
    expand(response) {
      const entities = response.data?._entities;
      const expanded = Array.isArray(entities)
        ? { ...response.data, _entities: sources.map((source, i) => (firsts[source] === i ? entities[source] : copyJson(entities[source]))) }
        : response.data;
      const errors = response.errors?.flatMap((error): GraphQLFormattedError[] => {
        const [head, index, ...rest] = error.path ?? [];
        if (head !== '_entities' || typeof index !== 'number') return [error];
        return sources.flatMap((source, i) => (source === index ? [{ ...error, path: ['_entities', i, ...rest] }] : []));
      });
      return { ...response, data: expanded, ...(errors ? { errors } : {}) };
    },
  };
}
