import { BREAK, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { ErrorCode, chiefError } from '@chief/runtime';
import type { OperationGuard } from './useOperationGuards.ts';

const NUL = '\u0000';

const refuse = (field: string) =>
  chiefError(ErrorCode.BAD_USER_INPUT, `${field} holds a NUL character (\\u0000), which no text field can store`, { field, http: { status: 400 } });

/** The path of the first string (or object key) holding NUL in a variable's value. */
function nulIn(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(NUL)) return `${path}.${JSON.stringify(key)}`;
      const found = nulIn(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Argument and input-field names from the root of a literal to the literal itself, e.g. `input.name`. */
const literalPath = (ancestors: readonly (ASTNode | readonly ASTNode[])[]) =>
  ancestors.flatMap((a) => ('kind' in a && (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD) ? [a.name.value] : [])).join('.');

/**
 * Postgres stores no NUL in text or JSON, so a string holding one is refused here, naming where
 * it is (`input.name` in a literal, the variable's path in a variable), before any subgraph runs:
 * it never becomes a database error halfway through an operation.
 */
export const refuseUnstorableText: OperationGuard = ({ request, document }) => {
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    const found = nulIn(value, name);
    if (found) throw refuse(found);
  }
  const found = nulInLiterals(document);
  if (found !== null) throw refuse(found);
};

// Apollo keeps one parsed document per query text, so its literals are searched once.
const literalsSearched = new WeakMap<DocumentNode, string | null>();

/** Where the first string literal holding NUL is in a document; null when none does. */
function nulInLiterals(document: DocumentNode): string | null {
  let found = literalsSearched.get(document);
  if (found !== undefined) return found;
  found = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!node.value.includes(NUL)) return undefined;
      found = literalPath(parent ? [...ancestors, parent] : ancestors) || 'query';
      return BREAK;
    },
  });
  literalsSearched.set(document, found);
  return found;
}
