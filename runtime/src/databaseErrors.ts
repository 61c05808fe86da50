import { badUserInput, conflict, forbidden, notFound } from './errors.ts';

interface PgError {
  code: string;
  message: string;
  table_name?: string;
  column_name?: string;
  constraint_name?: string;
  detail?: string;
}

const isPgError = (e: unknown): e is PgError =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string' && (e as PgError).code.length === 5 && 'severity' in e;

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Columns named in a constraint's detail, e.g. `Key (workspace_id, contact_id)=(...)`. */
function keyColumns(detail: string | undefined): string[] {
  const match = detail?.match(/Key \(([^)]*)\)/);
  return match?.[1]?.split(',').map((c) => c.trim().replace(/^lower\((.*)\)$/, '$1')) ?? [];
}

/**
 * Turns a database refusal into the client error it stands for, naming the input field where
 * the constraint says which. Constraints follow the naming of the models: `ck_<table>_<column>`,
 * `uq_<table>_...`, `fk_<table>_...`. Anything unrecognised is rethrown (and reported as INTERNAL).
 */
export function translateDatabaseError(thrown: unknown, inputPath = 'input'): unknown {
  // Drizzle wraps the driver's error; the Postgres fields are on its cause.
  const error = isPgError(thrown) ? thrown : (thrown as { cause?: unknown } | null)?.cause;
  if (!isPgError(error)) return thrown;
  const { code, table_name: table = '', constraint_name: constraint = '' } = error;
  const field = (column: string) => `${inputPath}.${camel(column)}`;
  switch (code) {
    case '23514': {
      const column = constraint.startsWith(`ck_${table}_`) ? constraint.slice(`ck_${table}_`.length) : constraint;
      return badUserInput(field(column), `${camel(column)} is not valid (${constraint})`);
    }
    case '23502':
      return badUserInput(field(error.column_name ?? 'unknown'), `${camel(error.column_name ?? 'value')} is required`);
    case '23505': {
      const columns = keyColumns(error.detail).filter((c) => c !== 'workspace_id');
      return conflict(`A ${table.replace(/s$/, '').replace(/_/g, ' ')} with the same ${columns.map(camel).join(', ') || 'key'} already exists`, {
        field: columns[0] ? field(columns[0]) : undefined,
      });
    }
    case '23503': {
      if (error.message.includes('still referenced')) return conflict(`This ${table.replace(/s$/, '')} is still referenced`);
      // `fk_<table>_<target>` names the reference: fk_tasks_assignee is input.assigneeId.
      const target = constraint.startsWith(`fk_${table}_`) ? camel(constraint.slice(`fk_${table}_`.length)) : 'reference';
      const id = error.detail?.match(/\)=\((?:[^,]*, )?([^)]*)\)/)?.[1];
      const type = target.charAt(0).toUpperCase() + target.slice(1);
      return notFound(type, id ?? '', { field: `${inputPath}.${target}Id`, message: `${inputPath}.${target}Id: no such ${target} in this workspace` });
    }
    case '42501':
      return forbidden('Your role does not allow this change');
    case 'CH409':
      return conflict(error.message);
    case '40001':
    case '40P01':
      return conflict('The change collided with another one; retry it');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return badUserInput(inputPath, error.message);
    default:
      return thrown;
  }
}

