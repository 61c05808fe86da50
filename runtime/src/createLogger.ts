import { pino, type DestinationStream, type Logger } from 'pino';
import { stackFrames } from './errors.ts';

export type { Logger };
/** Where log lines go instead of stdout (tests collect them). */
export type LogDestination = DestinationStream;

// Fields of a Postgres error that name our schema, never a row's values (its `detail` does).
const DATABASE_FIELDS = ['code', 'severity', 'routine', 'schema_name', 'table_name', 'column_name', 'constraint_name'] as const;

/**
 * An error as a log line may hold it: no user data. Drizzle's message ends with the query's
 * parameters, and Postgres quotes the input it refused in a data exception (class 22), so
 * parameters, quoted values and `detail` are dropped; the SQL text stays (it is ours, with
 * placeholders), and so
 * do the stack's frames (its first line repeats the message). A GraphQL error is logged as the
 * error it wraps.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null || depth > 4) return error;
  const wrapped = (error as { originalError?: unknown }).originalError;
  if (wrapped) return { ...(serializeError(wrapped, depth + 1) as object), path: (error as { path?: unknown }).path };
  const { name, message = '', stack, cause } = error as Error;
  const code = (error as { code?: unknown }).code;
  let safe = String(message).split('\nparams:')[0]!;
  if (typeof code === 'string' && code.startsWith('22')) safe = safe.replace(/"[^"]*"/g, '"…"');
  const fields = Object.fromEntries(DATABASE_FIELDS.filter((f) => (error as Record<string, unknown>)[f] !== undefined).map((f) => [f, (error as Record<string, unknown>)[f]]));
  // postgres.js hangs the statement's text (with $1 placeholders) and its parameters on the error.
  const query = (error as { query?: unknown }).query;
  return {
    type: name,
    message: safe,
    ...fields,
    ...(typeof query === 'string' ? { query } : {}),
    stack: stackFrames(stack).join('\n'),
    ...(cause ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

// One per process: `npm start` runs every service in one process, and two buffered writers on
// the same descriptor could tear each other's lines when a write to a pipe is partial.
let stdout: DestinationStream | undefined;

/**
 * Structured JSON logs; every service names itself, every request adds its request id. To stdout
 * without blocking: lines written while a write is pending go out together in the next one, and
 * whatever is pending is flushed when the process exits.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, serializers: { err: serializeError } };
  return pino(options, destination ?? (stdout ??= pino.destination({ dest: 1, sync: false })));
}
