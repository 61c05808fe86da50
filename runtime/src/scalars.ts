import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';
import { isCalendarDate } from './calendar.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):([0-5]\d):([0-5]\d)(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in a match's first three groups (JavaScript would roll 30 February over). */
const realDate = (match: RegExpExecArray | null) => match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));

function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!realDate(match) || Number(match![4]) > 23 || Number.isNaN(Date.parse(value as string)))
    throw new GraphQLError(`DateTime expects an RFC 3339 date-time with a time zone, such as 2026-01-31T09:00:00Z; got ${JSON.stringify(value)}`);
  return new Date(value as string);
}

/** Instants in RFC 3339 (UTC on output). Postgres' own text form is accepted from the database. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in RFC 3339 form, e.g. 2026-01-31T09:00:00Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(typeof value === 'string' ? value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime expects a string');
    return parseDateTime(ast.value);
  },
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !realDate(DATE.exec(value))) throw new GraphQLError(`Date expects a calendar date as YYYY-MM-DD; got ${JSON.stringify(value)}`);
  return value;
}

/** Calendar dates (YYYY-MM-DD), passed through as strings. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, e.g. 2026-03-31.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date expects a string');
    return parseDate(ast.value);
  },
});

function parseJSONObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GraphQLError('JSONObject expects an object');
  return value as Record<string, unknown>;
}

/** Arbitrary JSON objects (settings, metadata, credentials on input). */
export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object.',
  serialize: (value) => value,
  parseValue: parseJSONObject,
  parseLiteral: (ast, variables) => parseJSONObject(valueFromASTUntyped(ast, variables)),
});
