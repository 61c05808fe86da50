import { SERVICE_RESTART } from '@chief/runtime';

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
  TokenExpired: 4440,
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

/** A socket close: code and the reason the client reads. */
export interface SocketClose {
  code: SubscriptionCloseCode;
  reason: string;
}

export const closes = {
  unauthenticated: (why: string): SocketClose => ({ code: SubscriptionCloseCode.Unauthenticated, reason: `${why}: connect again with valid credentials` }),
  forbidden: (): SocketClose => ({ code: SubscriptionCloseCode.Forbidden, reason: 'Access ended (membership removed or key revoked): do not reconnect with these credentials' }),
  tokenExpired: (): SocketClose => ({ code: SubscriptionCloseCode.TokenExpired, reason: 'The token expired: reconnect with a fresh one and resume with your last cursor' }),
  slowConsumer: (): SocketClose => ({ code: SubscriptionCloseCode.SlowConsumer, reason: 'Too many results waiting: reconnect and resume with your last cursor' }),
  cursorUnknown: (): SocketClose => ({ code: SubscriptionCloseCode.CursorUnknown, reason: 'after is not a cursor of this log: reload, then subscribe without after' }),
  cursorExpired: (): SocketClose => ({ code: SubscriptionCloseCode.CursorExpired, reason: 'after is older than the resume window: reload, then subscribe without after' }),
  restarting: (): SocketClose => ({ code: SubscriptionCloseCode.ServerRestarting, reason: 'Chief is restarting: reconnect and resume with your last cursor' }),
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
