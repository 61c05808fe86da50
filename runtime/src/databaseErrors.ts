import type { TransactionSql } from 'postgres';
import { ErrorCode, badUserInput, chiefError, conflict, forbidden, notFound } from './errors.ts';

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

/** Why Postgres refused a value (class 22, data exception), in a client's words. */
function dataException(code: string): string {
  if (code === '22021' || code === '22P05') return 'holds a character the database cannot store (such as \\u0000)';
  if (code === '22001') return 'is longer than the database accepts';
  if (code === '22003') return 'is out of the range the database accepts';
  if (code === '22007' || code === '22008') return 'is not a date or time the database accepts';
  return `is not a value the database accepts (SQLSTATE ${code})`;
}

// Drizzle wraps the driver's error; the Postgres fields are on its cause.
const pgErrorOf = (thrown: unknown) => {
  const error = isPgError(thrown) ? thrown : (thrown as { cause?: unknown } | null)?.cause;
  return isPgError(error) ? error : undefined;
};

const uniqueKeys = new Map<string, string[]>();

/**
 * The columns of the unique key a refused insert or update collided with. Postgres leaves them
 * out of the error's detail on tables under row-level security (the detail would show another
 * row's values), so they are read from the catalog, by the constraint's name, once per name.
 */
export async function collidingColumns(sql: TransactionSql, thrown: unknown): Promise<string[] | undefined> {
  const error = pgErrorOf(thrown);
  if (error?.code !== '23505' || error.detail || !error.constraint_name) return undefined;
  let columns = uniqueKeys.get(error.constraint_name);
  if (!columns) {
    const rows = await sql<{ column: string }[]>`
      select pg_get_indexdef(x.indexrelid, k.ord::int, true) as column
        from pg_index x join pg_class i on i.oid = x.indexrelid
        cross join generate_series(1, x.indnkeyatts) as k(ord)
       where i.relname = ${error.constraint_name}
       order by k.ord`;
    columns = rows.map((r) => r.column.replace(/^lower\((.*)\)$/, '$1'));
    uniqueKeys.set(error.constraint_name, columns);
  }
  return columns;
}

/**
 * Turns a database refusal into the client error it stands for, naming the input field where
 * the constraint says which. Constraints follow the naming of the models: `ck_<table>_<column>`,
 * `uq_<table>_...`, `fk_<table>_...`. Every data exception (class 22) is BAD_USER_INPUT on
 * `inputPath`, in words of our own (Postgres' message quotes the input). `uniqueColumns` are a
 * unique violation's columns when its detail does not name them (collidingColumns). Anything
 * unrecognised is rethrown (and reported as INTERNAL).
 */
export function translateDatabaseError(thrown: unknown, inputPath = 'input', uniqueColumns?: string[]): unknown {
  const error = pgErrorOf(thrown);
  if (!error) return thrown;
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
      const columns = (uniqueColumns ?? keyColumns(error.detail)).filter((c) => c !== 'workspace_id');
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
      // Our triggers' refusals; one that is about a column (a status step) names it.
      return conflict(error.message, error.column_name ? { field: field(error.column_name) } : undefined);
    case '40001':
    case '40P01':
      return conflict('The change collided with another one; retry it');
    case '25P02':
      // Not this field's fault: the request's transaction had already failed.
      return chiefError(ErrorCode.TRANSACTION_ABORTED, 'Not run: an earlier part of this request failed in the same transaction; send this part again on its own');
    default:
      if (code.startsWith('22')) return badUserInput(inputPath, `${inputPath}: a value ${dataException(code)}`);
      return thrown;
  }
}

