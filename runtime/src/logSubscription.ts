import type { SqlClient } from '@chief/db';
import type { Config } from './loadConfig.ts';
import type { Identity } from './identity.ts';
import { RequestSession } from './createRequestSession.ts';
import { LoaderRegistry } from './LoaderRegistry.ts';
import { followLog, type LogEvent } from './followLog.ts';

/** What a subscription's context has beyond a query's: the log, followed under the subscriber's identity. */
export interface LiveScope {
  follow(options: { after: string | null; types: readonly string[] | null; signal: AbortSignal; authorize?: (event: LogEvent) => Promise<void> }): AsyncGenerator<LogEvent, void, undefined>;
  /** A read-only session for one event's payload, under the subscriber's identity. */
  eventSession(): RequestSession;
  /** The cursor of the event being delivered: the transport sends it with the result (`extensions.cursor`). */
  cursor?: string;
}

/**
 * `resumeAfter`: where the transport resumes the stream (an SSE client's Last-Event-ID, passed on
 * by the gateway), which takes the place of the field's `after`.
 */
export function createLiveScope(sql: SqlClient, identity: Identity, config: Config, resumeAfter?: string): LiveScope {
  const { retentionHours, pollMs } = config.subscriptions;
  return {
    follow: ({ after, types, signal, authorize }) => followLog({ sql, identity, after: resumeAfter ?? after, types, signal, authorize, retentionHours, pollMs }),
    eventSession() {
      const session = new RequestSession(sql, identity, { statementTimeoutMs: config.limits.timeoutMs });
      session.readOnly = true;
      return session;
    },
  };
}

/** The context a subscription field's resolvers see: a query's, and the log. */
interface LiveContext {
  live?: LiveScope;
  session: RequestSession;
  loaders: LoaderRegistry;
}

export interface LogSubscription<TArgs, TContext extends LiveContext> {
  /** The event types the field follows. */
  types(args: TArgs): readonly string[] | null;
  /**
   * The payload for one event, resolved in a session of that event (opened on first use, ended
   * once the payload has been sent); null skips the event (the subscriber's filter refused it).
   */
  payload(event: LogEvent, ctx: TContext, args: TArgs): Promise<object | null> | object | null;
}

/**
 * A subscription field fed by the workspace's log: `subscribe` follows it from the field's
 * `after` argument (see followLog), `resolve` hands each payload to the field's selection. Every
 * event is answered in a session and loaders of its own, so its fields are read as the database
 * has them when it is delivered, under the subscriber's row-level security.
 */
export function logSubscription<TArgs extends { after?: string | null }, TContext extends LiveContext>(spec: LogSubscription<TArgs, TContext>) {
  return {
    subscribe: (_root: unknown, args: TArgs, ctx: TContext) => abortable((signal) => followPayloads(spec, args, ctx, signal)),
    resolve: (payload: object) => payload,
  };
}

/**
 * An async generator whose return() takes effect at once. A generator's own return() waits until
 * it reaches a `yield`, and a follower with no events to deliver is parked in a read or a wait,
 * not at one: it would poll the log until the workspace's next event. The signal stops it.
 */
function abortable<T>(start: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  const controller = new AbortController();
  const generator = start(controller.signal);
  return Object.assign(Object.create(generator) as AsyncGenerator<T, void, undefined>, {
    next: () => generator.next(),
    return: () => (controller.abort(), generator.return()),
    throw: (error: unknown) => (controller.abort(), generator.throw(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  });
}

async function* followPayloads<TArgs extends { after?: string | null }, TContext extends LiveContext>(spec: LogSubscription<TArgs, TContext>, args: TArgs, ctx: TContext, signal: AbortSignal) {
  if (!ctx.live) throw new Error('logSubscription: subscriptions are served over graphql-ws (serveSubscriptions)');
  const live = ctx.live;
  // An event the workspace's tail hands over is authorized in the session that then answers it.
  let authorized: RequestSession | undefined;
  const authorize = async () => {
    const session = live.eventSession();
    try {
      await session.run(async () => undefined);
    } catch (error) {
      await session.finish(false);
      throw error;
    }
    authorized = session;
  };
  try {
    for await (const event of live.follow({ after: args.after ?? null, types: spec.types(args), signal, authorize })) {
      const session = authorized ?? live.eventSession();
      authorized = undefined;
      ctx.session = session;
      ctx.loaders = new LoaderRegistry();
      let payload: object | null;
      try {
        payload = await spec.payload(event, ctx, args);
      } catch (error) {
        await session.finish(false);
        throw error;
      }
      if (!payload) {
        await session.finish(true);
        continue;
      }
      live.cursor = event.cursor;
      try {
        yield payload;
      } finally {
        // Resumed once the payload went out (or the subscriber left): its reads are over.
        await session.finish(true);
      }
    }
  } finally {
    // Stopped between the check and the event: the check's transaction ends here.
    await authorized?.finish(true);
  }
}
