import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every error code a client can see. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  DEPTH_LIMIT_EXCEEDED: 'DEPTH_LIMIT_EXCEEDED',
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED: 'ALIAS_LIMIT_EXCEEDED',
  TOKEN_LIMIT_EXCEEDED: 'TOKEN_LIMIT_EXCEEDED',
  OPERATION_NOT_TRUSTED: 'OPERATION_NOT_TRUSTED',
  TIMEOUT: 'TIMEOUT',
  /** An Idempotency-Key already used, within its lifetime, for a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The HTTP request itself is unusable: not JSON, a body over the size limit, a subscription over HTTP. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** operationName names no operation of the document, or several operations and no name. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Not run: an earlier statement of the same request's transaction failed (SQLSTATE 25P02). */
  TRANSACTION_ABORTED: 'TRANSACTION_ABORTED',
  /** A subscription's `after` is not a cursor of this workspace's log. */
  CURSOR_UNKNOWN: 'CURSOR_UNKNOWN',
  /** A subscription's `after` is older than the log's resume window (SUBSCRIPTION_RETENTION_HOURS). */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** A subscription's JWT expired while it ran: subscribe again with a fresh token and the last cursor. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** A subscriber read too slowly and was let go: subscribe again with the last cursor. */
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  /** The gateway or a subgraph is restarting: subscribe again with the last cursor. */
  SERVER_RESTARTING: 'SERVER_RESTARTING',
  /** A connection or a user already holds as many subscriptions as allowed. */
  SUBSCRIPTION_LIMIT_EXCEEDED: 'SUBSCRIPTION_LIMIT_EXCEEDED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  DEPTH_LIMIT_EXCEEDED: 400,
  COST_LIMIT_EXCEEDED: 400,
  ALIAS_LIMIT_EXCEEDED: 400,
  TOKEN_LIMIT_EXCEEDED: 400,
  OPERATION_NOT_TRUSTED: 400,
  TIMEOUT: 504,
  IDEMPOTENCY_KEY_REUSED: 422,
};

export function chiefError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatus[code];
  return new GraphQLError(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) } });
}

/** The same error, answered with `status` when it refuses a whole request (a field error stays 200). */
export function withHttpStatus(error: GraphQLError, status: number): GraphQLError {
  error.extensions.http = { status };
  return error;
}

export const unauthenticated = (message = 'Authentication required') => chiefError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => chiefError(ErrorCode.FORBIDDEN, message);
/** `field` is the input path at fault, e.g. `input.probability`. */
export const badUserInput = (field: string, message: string) => chiefError(ErrorCode.BAD_USER_INPUT, message, { field });
/** `reference` is for an input field pointing at something that is not there (or not visible). */
export const notFound = (type: string, id: string, reference?: { field: string; message: string }) =>
  chiefError(ErrorCode.NOT_FOUND, reference?.message ?? `${type} ${id} not found`, { type, id, ...(reference ? { field: reference.field } : {}) });
export const conflict = (message: string, extensions: Record<string, unknown> = {}) => chiefError(ErrorCode.CONFLICT, message, extensions);

const knownCodes = new Set<string>([...Object.values(ErrorCode), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);
const isKnown = (formatted: GraphQLFormattedError) => {
  const code = formatted.extensions?.code;
  return typeof code === 'string' && knownCodes.has(code);
};

// Apollo prefixes errors thrown while building the context; clients need only the reason.
const CONTEXT_PREFIX = /^Context creation failed: /;
// (graphql 16 spells it "more that".)
const TOKEN_LIMIT = /Document contains more tha[nt] \d+ tokens/;

/**
 * The input path a variable-coercion error is about, e.g. `input.stage` from
 * 'Variable "$input" got invalid value "X" at "input.stage"; ...', or the variable itself.
 */
function variableField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message);
  if (!variable) return undefined;
  return /\bat "([\w.[\]]+)"/.exec(message)?.[1] ?? variable[1];
}

/** An Apollo request error (a hash that does not match its query, say): no code, a 4xx status. */
function isClientRequestError(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Only the frames of a stack: its first line repeats the message, which may hold SQL or input. */
export const stackFrames = (stack: unknown): string[] =>
  (Array.isArray(stack) ? stack.map(String) : String(stack ?? '').split('\n')).filter((line) => /^\s+at /.test(line));

export interface ErrorFormatterOptions {
  includeStack: boolean;
  /** Told of every error that becomes INTERNAL (to log it). */
  onInternal?: (error: unknown) => void;
  /** Gives a thrown error its client meaning (a database refusal), or returns it unchanged. */
  translate?: (error: unknown) => unknown;
}

/**
 * Apollo's formatError for every Chief server: errors that are ours or GraphQL's own pass
 * through, Apollo's own request errors become BAD_REQUEST, and anything else (a bug, a driver
 * error with SQL in it) becomes INTERNAL with no detail: not its message, and in development
 * only the frames of its stack.
 */
export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (!isKnown(formatted) && options.translate) {
      const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
      const translated = options.translate(original);
      if (translated instanceof GraphQLError && translated !== original) formatted = { ...formatted, message: translated.message, extensions: translated.extensions };
    }
    if (!isKnown(formatted) && isClientRequestError(error)) formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_REQUEST } };
    if (isKnown(formatted)) {
      const code = formatted.extensions!.code;
      const { stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
      const message = formatted.message.replace(CONTEXT_PREFIX, '');
      // graphql's parser stops at maxTokens with a syntax error; clients get the limit's own code.
      if (code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(message)) extensions.code = ErrorCode.TOKEN_LIMIT_EXCEEDED;
      if (code === ErrorCode.BAD_USER_INPUT && !extensions.field) {
        const field = variableField(message);
        if (field) extensions.field = field;
      }
      return { ...formatted, message, extensions: options.includeStack && stacktrace ? { ...extensions, stacktrace } : extensions };
    }
    options.onInternal?.(error);
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL, ...(options.includeStack ? { stacktrace: stackFrames(formatted.extensions?.stacktrace) } : {}) },
    };
  };
}
