import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionSql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { SqlClient } from '@chief/db';
import { forbidden, unauthenticated } from './errors.ts';
import type { Identity } from './identity.ts';
import { collidingColumns, translateDatabaseError } from './databaseErrors.ts';
import { announceLogWrite } from './logWakeups.ts';

/** drizzle on the request's transaction; `$client` is that transaction's handle (statements prepared as the pool says). */
export type Database = PostgresJsDatabase & { $client: SqlClient };
export type MemberRole = 'owner' | 'admin' | 'member' | 'viewer' | 'service';

/** What a resolver works with once the transaction is open. */
export interface Session {
  identity: Identity;
  /** The caller's member id in the workspace in scope; null for keys, services and outside a workspace. */
  memberId: string | null;
  /** The caller's role in the workspace in scope as row-level security sees it (a key: member or viewer). */
  role: MemberRole | null;
  db: Database;
  sql: TransactionSql;
}

const dbRoleFor = { user: 'chief_app', apiKey: 'chief_app', service: 'chief_service' } as const;

/**
 * The settings, local to one transaction, that tell row-level security who is asking: the
 * database role to switch to and the claims the auth.* functions of the migrations read.
 */
export function callerSettings(identity: Identity): [name: string, value: string][] {
  if (identity.kind === 'gateway') throw new Error('The gateway identity has no database role');
  return [
    ['role', dbRoleFor[identity.kind]],
    ['chief.user_id', identity.userId ?? ''],
    ['chief.api_key_id', identity.apiKeyId ?? ''],
    ['chief.workspace_id', identity.workspaceId ?? ''],
  ];
}

export interface RequestSessionOptions {
  /**
   * Longest any one statement may run, in milliseconds (statement_timeout for the transaction),
   * so work the gateway has given up on stops soon after. Unset: the server's own setting.
   */
  statementTimeoutMs?: number;
}

/**
 * The request (or background operation) the current async work belongs to, bound for its whole
 * length by createHttpServer and runOperation: `session` once its context made one, and `inScope`
 * inside a `run` or `mutate` scope.
 */
export const requestScope = new AsyncLocalStorage<{ session?: RequestSession; inScope?: boolean }>();

/**
 * Throws when the current request holds an open transaction: what any client that waits on the
 * network (an LLM, embeddings, another service) calls first, so that no pooled connection is held
 * by a transaction while it waits. Such work runs before the request's first database work, in
 * `RequestSession.outsideTransaction`, or in a background job.
 */
export function assertOutsideTransaction(what: string): void {
  if (requestScope.getStore()?.session?.holdsTransaction) {
    throw new Error(`${what} waits on the network: it must not run while the request holds a transaction (use outsideTransaction)`);
  }
}

/** One transaction of a request: how it opens, how it is settled, and what it wrote. */
interface OpenTransaction {
  opening: Promise<Session>;
  done: Promise<unknown>;
  settle: (commit: boolean) => void;
  writes: number;
  /** It could not open (the caller was refused): it holds no connection. */
  refused?: boolean;
  /** Workspaces it appended events to: their log readers in this process wake when it commits. */
  appended?: Set<string>;
}

/**
 * The database side of one GraphQL operation: a transaction, opened on first use, under an
 * unprivileged role with the caller's claims set for that transaction only, so row-level
 * security decides which rows exist. Database work runs in visible scopes (`run`, through
 * `withSession`, and `mutate`). `outsideTransaction` ends a transaction that has written nothing
 * once no scope is running, so work that waits on the network holds no connection; the next scope
 * opens a new one. Each mutation runs under a savepoint, so a failed mutation leaves nothing
 * behind (neither its rows nor its events) while earlier ones in the operation stay. `finish`
 * commits or rolls back. (postgres.js `begin` rather than `reserve`: a reserve on a pool with no
 * open connection never resolves when array types are not fetched.)
 */
export class RequestSession {
  private current: OpenTransaction | undefined;
  /** A transaction being ended; the next one opens after it. */
  private closing: Promise<void> | undefined;
  /** Scopes running now, and who waits for there to be none. */
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly sql: SqlClient,
    readonly identity: Identity,
    private readonly options: RequestSessionOptions = {},
  ) {}

  /**
   * Set once the operation is known to be a query, before any database work: its transactions are
   * then REPEATABLE READ READ ONLY, so every statement of the request (all the fetches the gateway
   * merged into it) reads one snapshot, and nothing in it can write.
   */
  readOnly = false;

  /** Whether a transaction is open (or opening) and holds a pooled connection. */
  get holdsTransaction(): boolean {
    return this.current !== undefined && !this.current.refused;
  }

  /** Runs database work inside the request's transaction (opening it if none is), as one visible scope. */
  async run<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.active++;
    try {
      if (this.closing) await this.closing;
      this.current ??= this.open();
      const { opening } = this.current;
      return await requestScope.run({ session: this, inScope: true }, async () => fn(await opening));
    } finally {
      if (--this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /** Called by appendEvent: the open transaction wrote to `workspaceId`'s log. */
  noteAppended(workspaceId: string): void {
    if (this.current) (this.current.appended ??= new Set()).add(workspaceId);
  }

  /** Database work that writes: the transaction it runs in is then never ended early by outsideTransaction. */
  async write<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.run(async (session) => {
      this.current!.writes++;
      return fn(session);
    });
  }

  /**
   * Runs `fn`, which may wait on the network, with no transaction open for this request: once no
   * scope is running, the transaction (which has only read) ends and its connection goes back to
   * the pool; the next scope opens a new one. Refused inside a scope (it would wait on itself) and
   * after a write, which must commit with the rest of the operation (and its idempotency key) or
   * not at all: read, release, call, then write.
   */
  async outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (requestScope.getStore()?.inScope) throw new Error('outsideTransaction was called inside a transaction scope (withSession, mutate)');
    while (this.active > 0) await new Promise<void>((wake) => this.idle.push(wake));
    if (this.current?.writes) throw new Error('outsideTransaction after a write: the write would be committed before the operation ends');
    await this.end(false);
    return fn();
  }

  /**
   * Detaches the open transaction at once (so no scope can be handed it while it ends) and ends
   * it: commit or roll back. Resolves when it has ended; a failed commit is the operation's error.
   */
  private async end(commit: boolean): Promise<void> {
    const transaction = this.current;
    if (!transaction) return;
    this.current = undefined;
    const ending = (async () => {
      try {
        await transaction.opening;
      } catch {
        return; // it never opened
      }
      transaction.settle(commit);
      try {
        await transaction.done;
      } catch (error) {
        throw translateDatabaseError(error);
      }
      if (commit) for (const workspaceId of transaction.appended ?? []) announceLogWrite(workspaceId);
    })();
    this.closing = ending.then(
      () => undefined,
      () => undefined,
    );
    try {
      await ending;
    } finally {
      this.closing = undefined;
    }
  }

  private session(tx: TransactionSql, caller: Pick<Session, 'memberId' | 'role'>): Session {
    // drizzle reads the pool's `options` to set its type parsers; a transaction handle shares them.
    // drizzle asks postgres.js for an unnamed statement unless a query is given a name, so Postgres
    // would parse and plan each one every time: its statements are prepared as the pool says.
    const unsafe = tx.unsafe.bind(tx);
    const options = this.statementOptions;
    const client = Object.assign(tx, {
      options: this.sql.options,
      unsafe: (query: string, parameters?: never[]) => unsafe(query, parameters, options),
    }) as unknown as SqlClient;
    return { identity: this.identity, ...caller, db: drizzle({ client }), sql: tx };
  }

  /** Prepared statements where the pool prepares its own (not on the embedded server: see createSqlClient). */
  private get statementOptions() {
    return this.sql.options.prepare ? PREPARED : UNPREPARED;
  }

  private open(): OpenTransaction {
    const { identity } = this;
    const { statementTimeoutMs } = this.options;
    const refused = (error: Error): OpenTransaction => {
      const opening = Promise.reject(error);
      opening.catch(() => undefined);
      return { opening, done: Promise.resolve(), settle: () => {}, writes: 0, refused: true };
    };
    if (identity.kind === 'gateway') return refused(unauthenticated('The gateway identity reads no data'));
    if (identity.kind === 'service' && !identity.workspaceId) return refused(forbidden('Service access must name a workspace'));
    if (identity.kind === 'apiKey' && !identity.workspaceId) return refused(unauthenticated('An API key acts in its own workspace'));
    const settings = callerSettings(identity);
    let settle: (commit: boolean) => void = () => {};
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    let done: Promise<unknown> = Promise.resolve();
    const opening = new Promise<Session>((resolveOpen, rejectOpen) => {
      let opened = false;
      // postgres.js sends BEGIN by the simple protocol, which the embedded server keeps whole.
      // One statement sets the role, the claims and the timeout and reads the caller's role back.
      const setEach = settings.map((_, i) => `set_config($${i * 2 + 1}, $${i * 2 + 2}, true)`).join(', ');
      const timeout = `$${settings.length * 2 + 1}::text`;
      done = this.sql
        .begin(this.readOnly ? 'isolation level repeatable read read only' : '', async (tx) => {
          const [row] = await tx.unsafe<{ role: MemberRole | null; member_id: string | null }[]>(
            `select ${setEach}, set_config('statement_timeout', coalesce(${timeout}, current_setting('statement_timeout')), true),
                    auth.caller_role() as role, auth.member_id() as member_id`,
            [...settings.flat(), statementTimeoutMs?.toString() ?? null],
            this.statementOptions,
          );
          const role = row?.role ?? null;
          if (identity.kind === 'user' && identity.workspaceId && !role) {
            throw forbidden(`You are not a member of workspace ${identity.workspaceId}`);
          }
          // The gateway checked the key moments ago; the database has the last word (revoked since?).
          if (identity.kind === 'apiKey' && !role) throw unauthenticated('The API key is invalid, revoked or expired');
          opened = true;
          resolveOpen(this.session(tx, { memberId: row?.member_id ?? null, role }));
          if (!(await outcome)) throw ROLLBACK;
        })
        .catch((error: unknown) => {
          if (!opened) return rejectOpen(error);
          if (error !== ROLLBACK) throw error;
        });
    });
    const transaction: OpenTransaction = { opening, done, settle: (commit) => settle(commit), writes: 0 };
    // A transaction that never opened holds nothing; its rejection is handed to each scope.
    opening.catch(() => (transaction.refused = true));
    return transaction;
  }

  /**
   * Runs one mutation under a savepoint and turns database refusals into client errors, naming
   * fields under `inputPath` (the argument that holds the values written).
   */
  async mutate<T>(fn: (session: Session) => Promise<T>, inputPath = 'input'): Promise<T> {
    // The gateway refuses mutations from read-only credentials too; this holds without it.
    if (!this.identity.scopes.includes('write')) throw forbidden('This credential is read-only');
    return this.write(async (session) => {
      try {
        return (await session.sql.savepoint((sp) => fn(this.session(sp, { memberId: session.memberId, role: session.role })))) as T;
      } catch (error) {
        // The savepoint is rolled back: the transaction can still read the catalog.
        throw translateDatabaseError(error, inputPath, await collidingColumns(session.sql, error));
      }
    });
  }

  /**
   * Runs `fn` under a savepoint of its own inside a mutation: when it fails, only what `fn` wrote
   * is rolled back (the refusal translated to a client error) and the mutation goes on. Batched
   * ingestion writes each item so, and one bad item never blocks or half-writes the others.
   */
  async savepoint<T>(session: Session, fn: (session: Session) => Promise<T>, inputPath = 'input'): Promise<T> {
    try {
      return (await session.sql.savepoint((sp) => fn(this.session(sp, session)))) as T;
    } catch (error) {
      throw translateDatabaseError(error, inputPath, await collidingColumns(session.sql, error));
    }
  }

  /**
   * Runs `fn` with the claims pointed at another workspace, then restores them; used when a
   * mutation creates a workspace and must write its first rows and events inside it (as the
   * member it has just made the caller there).
   */
  async inWorkspace<T>(session: Session, workspaceId: string, fn: (session: Session) => Promise<T>): Promise<T> {
    const [caller] = await session.sql<{ role: MemberRole | null; member_id: string | null }[]>`
      select set_config('chief.workspace_id', ${workspaceId}, true), auth.caller_role() as role, auth.member_id() as member_id`;
    try {
      return await fn({ ...session, memberId: caller?.member_id ?? null, role: caller?.role ?? null });
    } finally {
      await session.sql`select set_config('chief.workspace_id', ${this.identity.workspaceId ?? ''}, true)`;
    }
  }

  /** Ends the transaction: commit when the operation succeeded, roll back otherwise. */
  async finish(commit: boolean): Promise<void> {
    await this.end(commit);
  }
}

const ROLLBACK = Symbol('rollback');
const PREPARED = { prepare: true } as const;
const UNPREPARED = { prepare: false } as const;

/** Database work of a resolver or loader, in the request's transaction: `withSession(ctx, (s) => ...)`. */
export const withSession = <T>(scope: { session: RequestSession }, fn: (session: Session) => Promise<T>): Promise<T> => scope.session.run(fn);

/**
 * One operation outside GraphQL (background work, demo data): a RequestSession for `identity`,
 * committed when `fn` succeeds and rolled back when it throws, with no statement timeout.
 * Background work passes a `service` identity, which must name its workspace.
 */
export async function runOperation<T>(sql: SqlClient, identity: Identity, fn: (request: RequestSession) => Promise<T>): Promise<T> {
  const request = new RequestSession(sql, identity);
  return requestScope.run({ session: request }, async () => {
    try {
      const result = await fn(request);
      await request.finish(true);
      return result;
    } catch (error) {
      await request.finish(false);
      throw error;
    }
  });
}
