import type { SqlClient } from '@chief/db';
import type { Config } from './loadConfig.ts';
import type { Identity } from './identity.ts';
import { RequestSession } from './createRequestSession.ts';
import { LoaderRegistry } from './LoaderRegistry.ts';
import { followLog, type LogEvent } from './followLog.ts';

/** What a subscription's context has beyond a query's: the log, followed under the subscriber's identity. */
export interface LiveScope {
  follow(options: { after: string | null; types: readonly string[] | null; signal: AbortSignal }): AsyncGenerator<LogEvent, void, undefined>;
  /** A read-only session for one event's payload, under the subscriber's identity. */
  eventSession(): RequestSession;
}

export function createLiveScope(sql: SqlClient, identity: Identity, config: Config): LiveScope {
  const { retentionHours, pollMs } = config.subscriptions;
  return {
    follow: ({ after, types, signal }) => followLog({ sql, identity, after, types, signal, retentionHours, pollMs }),
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
    subscribe: (_root: unknown, args: TArgs, ctx: TContext) => followPayloads(spec, args, ctx),
    resolve: (payload: object) => payload,
  };
}

async function* followPayloads<TArgs extends { after?: string | null }, TContext extends LiveContext>(spec: LogSubscription<TArgs, TContext>, args: TArgs, ctx: TContext) {
  if (!ctx.live) throw new Error('logSubscription: subscriptions are served over graphql-ws (serveSubscriptions)');
  const controller = new AbortController();
  try {
    for await (const event of ctx.live.follow({ after: args.after ?? null, types: spec.types(args), signal: controller.signal })) {
      const session = ctx.live.eventSession();
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
      try {
        yield payload;
      } finally {
        // Resumed once the payload went out (or the subscriber left): its reads are over.
        await session.finish(true);
      }
    }
  } finally {
    controller.abort();
  }
}
