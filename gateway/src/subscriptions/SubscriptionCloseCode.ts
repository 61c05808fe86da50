import { ErrorCode, SERVICE_RESTART, TOKEN_EXPIRED } from '@chief/runtime';

/**
 * How Chief's gateway ends a subscription socket, and what the client should do (each close's
 * reason says it too). Codes 4401 and 4403 mean what graphql-ws's own do; the others are Chief's.
 */
export const SubscriptionCloseCode = {
  /** No valid credentials in connection_init: connect again with a valid token or API key. */
  Unauthenticated: 4401,
  /** The membership was removed or the API key revoked: stop; the stream will not come back. */
  Forbidden: 4403,
  /** The JWT of the connection expired: reconnect with a fresh token and resume with the last cursor. */
  TokenExpired: TOKEN_EXPIRED,
  /** The client did not read fast enough (its buffer filled): reconnect and resume with the last cursor. */
  SlowConsumer: 4441,
  /** `after` is not a cursor of this workspace's log: reload, then subscribe without `after`. */
  CursorUnknown: 4442,
  /** `after` is older than the resume window: reload, then subscribe without `after`. */
  CursorExpired: 4443,
  /** The gateway or a subgraph is restarting (WebSocket's Service Restart): reconnect and resume with the last cursor. */
  ServerRestarting: SERVICE_RESTART,
} as const;

export type SubscriptionCloseCode = (typeof SubscriptionCloseCode)[keyof typeof SubscriptionCloseCode];

/**
 * A subscription's end: the socket's close code and the reason the client reads; over an event
 * stream, the last event's error (`errorCode`, `closeCode`). `resumable`: the client should come
 * back and resume with its last cursor (an event stream then ends without `complete`, so
 * EventSource reconnects with Last-Event-ID).
 */
export interface SocketClose {
  code: SubscriptionCloseCode;
  reason: string;
  errorCode: ErrorCode;
  resumable: boolean;
}

export const closes = {
  unauthenticated: (why: string): SocketClose => ({ code: SubscriptionCloseCode.Unauthenticated, reason: `${why}: connect again with valid credentials`, errorCode: ErrorCode.UNAUTHENTICATED, resumable: false }),
  forbidden: (): SocketClose => ({ code: SubscriptionCloseCode.Forbidden, reason: 'Access ended (membership removed or key revoked): do not reconnect with these credentials', errorCode: ErrorCode.FORBIDDEN, resumable: false }),
  tokenExpired: (): SocketClose => ({ code: SubscriptionCloseCode.TokenExpired, reason: 'The token expired: reconnect with a fresh one and resume with your last cursor', errorCode: ErrorCode.TOKEN_EXPIRED, resumable: true }),
  slowConsumer: (): SocketClose => ({ code: SubscriptionCloseCode.SlowConsumer, reason: 'Too many results waiting: reconnect and resume with your last cursor', errorCode: ErrorCode.SLOW_CONSUMER, resumable: true }),
  cursorUnknown: (): SocketClose => ({ code: SubscriptionCloseCode.CursorUnknown, reason: 'after is not a cursor of this log: reload, then subscribe without after', errorCode: ErrorCode.CURSOR_UNKNOWN, resumable: false }),
  cursorExpired: (): SocketClose => ({ code: SubscriptionCloseCode.CursorExpired, reason: 'after is older than the resume window: reload, then subscribe without after', errorCode: ErrorCode.CURSOR_EXPIRED, resumable: false }),
  restarting: (): SocketClose => ({ code: SubscriptionCloseCode.ServerRestarting, reason: 'Chief is restarting: reconnect and resume with your last cursor', errorCode: ErrorCode.SERVER_RESTARTING, resumable: true }),
};

/** The close the first error that ends the stream calls for (other errors are the subscription's own). */
export function closeForErrors(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): SocketClose | undefined {
  for (const error of errors ?? []) {
    const close = closeForCode(error.extensions?.code);
    if (close) return close;
  }
  return undefined;
}

function closeForCode(code: unknown): SocketClose | undefined {
  switch (code) {
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return closes.forbidden();
    case 'CURSOR_UNKNOWN':
      return closes.cursorUnknown();
    case 'CURSOR_EXPIRED':
      return closes.cursorExpired();
    default:
      return undefined;
  }
}
