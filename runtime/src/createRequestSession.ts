import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionSql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { SqlClient } from '@chief/db';
import { forbidden, unauthenticated } from './errors.ts';
import type { Identity } from './identity.ts';
import { collidingColumns, translateDatabaseError } from './databaseErrors.ts';

export type Database = PostgresJsDatabase;
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

// The request session whose transaction scope the current async work runs in, if any.
const transactionScope = new AsyncLocalStorage<RequestSession>();

/**
 * Throws when called from inside a request's transaction scope (`withSession`, `mutate`): what
 * any client that waits on the network (an LLM, embeddings, another service) calls first, so that
 * no pooled connection is held by a transaction while it waits. Such work runs before the
 * request's database work, through `RequestSession.outsideTransaction`, or in a background job.
 */
export function assertOutsideTransaction(what: string): void {
  if (transactionScope.getStore()) {
    throw new Error(`${what} waits on the network: it must not run inside a transaction scope (withSession, mutate); use outsideTransaction`);
  }
}

/**
 * The database side of one GraphQL operation: a transaction, opened on first use, under an
 * unprivileged role with the caller's claims set for that transaction only, so row-level
 * security decides which rows exist. Database work runs in visible scopes (`run`, through
 * `withSession`, and `mutate`); `outsideTransaction` ends the transaction once no scope is
 * running, so work that waits on the network holds no connection, and the next scope opens a new
 * one. Each mutation runs under a savepoint, so a failed mutation leaves nothing behind (neither
 * its rows nor its events) while earlier ones in the operation stay. `finish` commits or rolls
 * back. (postgres.js `begin` rather than `reserve`: a reserve on a pool with no open connection
 * never resolves when array types are not fetched.)
 */
export class RequestSession {
  private opening: Promise<Session> | undefined;
  private transaction: Promise<unknown> | undefined;
  private settle: ((commit: boolean) => void) | undefined;
  /** Scopes running now, and who waits for there to be none. */
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly sql: SqlClient,
    readonly identity: Identity,
    private readonly options: RequestSessionOptions = {},
  ) {}

  /** The open transaction (opening it on first use); callers hold a scope (run, mutate) around its use. */
  get(): Promise<Session> {
    this.opening ??= this.open();
    return this.opening;
  }

  /** Runs database work inside the request's transaction, as one visible scope. */
  async run<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await transactionScope.run(this, async () => fn(await this.get()));
    } finally {
      if (--this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /**
   * Runs `fn`, which may wait on the network, with no transaction open for this request: once no
   * scope is running, what the transaction did so far is committed (a mutation's work stays) and
   * its connection goes back to the pool; the next scope opens a new transaction.
   */
  async outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (transactionScope.getStore()) throw new Error('outsideTransaction was called inside a transaction scope');
    while (this.active > 0) await new Promise<void>((wake) => this.idle.push(wake));
    await this.finish(true);
    this.opening = undefined;
    return fn();
  }

  private session(tx: TransactionSql, caller: Pick<Session, 'memberId' | 'role'>): Session {
    // drizzle reads the pool's `options` to set its type parsers; a transaction handle shares them.
    const client = Object.assign(tx, { options: this.sql.options }) as unknown as SqlClient;
    return { identity: this.identity, ...caller, db: drizzle({ client }), sql: tx };
  }

  private open(): Promise<Session> {
    const { identity } = this;
    const { statementTimeoutMs } = this.options;
    if (identity.kind === 'gateway') return Promise.reject(unauthenticated('The gateway identity reads no data'));
    if (identity.kind === 'service' && !identity.workspaceId) return Promise.reject(forbidden('Service access must name a workspace'));
    if (identity.kind === 'apiKey' && !identity.workspaceId) return Promise.reject(unauthenticated('An API key acts in its own workspace'));
    const settings = callerSettings(identity);
    const outcome = new Promise<boolean>((resolve) => (this.settle = resolve));
    return new Promise<Session>((resolveOpen, rejectOpen) => {
      let opened = false;
      // postgres.js sends BEGIN by the simple protocol, which the embedded server keeps whole.
      // One statement sets the role, the claims and the timeout and reads the caller's role back.
      const setEach = settings.map((_, i) => `set_config($${i * 2 + 1}, $${i * 2 + 2}, true)`).join(', ');
      const timeout = `$${settings.length * 2 + 1}::text`;
      this.transaction = this.sql
        .begin(async (tx) => {
          const [row] = await tx.unsafe<{ role: MemberRole | null; member_id: string | null }[]>(
            `select ${setEach}, set_config('statement_timeout', coalesce(${timeout}, current_setting('statement_timeout')), true),
                    auth.caller_role() as role, auth.member_id() as member_id`,
            [...settings.flat(), statementTimeoutMs?.toString() ?? null],
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
  }

  /** Runs one mutation under a savepoint and turns database refusals into client errors. */
  async mutate<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    // The gateway refuses mutations from read-only credentials too; this holds without it.
    if (!this.identity.scopes.includes('write')) throw forbidden('This credential is read-only');
    return this.run(async (session) => {
      try {
        return (await session.sql.savepoint((sp) => fn(this.session(sp, { memberId: session.memberId, role: session.role })))) as T;
      } catch (error) {
        // The savepoint is rolled back: the transaction can still read the catalog.
        throw translateDatabaseError(error, 'input', await collidingColumns(session.sql, error));
      }
    });
  }

  /**
   * Runs `fn` with the claims pointed at another workspace, then restores them; used when a
   * mutation creates a workspace and must write its first rows and events inside it.
   */
  async inWorkspace<T>(session: Session, workspaceId: string, fn: (session: Session) => Promise<T>): Promise<T> {
    await session.sql`select set_config('chief.workspace_id', ${workspaceId}, true)`;
    try {
      return await fn(session);
    } finally {
      await session.sql`select set_config('chief.workspace_id', ${this.identity.workspaceId ?? ''}, true)`;
    }
  }

  /** Ends the transaction: commit when the operation succeeded, roll back otherwise. */
  async finish(commit: boolean): Promise<void> {
    if (!this.opening) return;
    try {
      await this.opening;
    } catch {
      return; // it never opened
    }
    this.settle?.(commit);
    try {
      await this.transaction;
    } catch (error) {
      throw translateDatabaseError(error);
    }
  }
}

const ROLLBACK = Symbol('rollback');

/** Database work of a resolver or loader, in the request's transaction: `withSession(ctx, (s) => ...)`. */
export const withSession = <T>(scope: { session: RequestSession }, fn: (session: Session) => Promise<T>): Promise<T> => scope.session.run(fn);

/**
 * One operation outside GraphQL (background work, demo data): a RequestSession for `identity`,
 * committed when `fn` succeeds and rolled back when it throws, with no statement timeout.
 * Background work passes a `service` identity, which must name its workspace.
 */
export async function runOperation<T>(sql: SqlClient, identity: Identity, fn: (request: RequestSession) => Promise<T>): Promise<T> {
  const request = new RequestSession(sql, identity);
  try {
    const result = await fn(request);
    await request.finish(true);
    return result;
  } catch (error) {
    await request.finish(false);
    throw error;
  }
}
