import type { ReservedSql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { SqlClient } from '@chief/db';
import { forbidden, unauthenticated } from './errors.ts';
import type { Identity } from './identity.ts';
import { translateDatabaseError } from './databaseErrors.ts';

export type Database = PostgresJsDatabase;
export type MemberRole = 'owner' | 'admin' | 'member' | 'viewer' | 'service';

/** What a resolver works with once the transaction is open. */
export interface Session {
  identity: Identity;
  /** The caller's membership of the workspace in scope; null for services and outside a workspace. */
  member: { id: string; role: MemberRole } | null;
  db: Database;
  sql: ReservedSql;
}

const dbRoleFor = { user: 'chief_app', service: 'chief_service' } as const;

/**
 * The database side of one GraphQL operation: a single transaction, opened on first use, under
 * an unprivileged role with the caller's claims set for that transaction only, so row-level
 * security decides which rows exist. Each mutation runs under a savepoint, so a failed mutation
 * leaves nothing behind (neither its rows nor its events) while earlier ones in the operation
 * stay. `finish` commits or rolls back and returns the connection.
 */
export class RequestSession {
  private opening: Promise<Session> | undefined;
  private savepoints = 0;

  constructor(
    private readonly sql: SqlClient,
    readonly identity: Identity,
  ) {}

  /** True once the operation has touched the database. */
  get started(): boolean {
    return this.opening !== undefined;
  }

  get(): Promise<Session> {
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<Session> {
    const { identity } = this;
    if (identity.kind === 'gateway') throw unauthenticated('The gateway identity reads no data');
    if (identity.kind === 'service' && !identity.workspaceId) throw forbidden('Service access must name a workspace');
    const conn = await this.sql.reserve();
    try {
      // Pipelined: BEGIN and the claims travel together, one round trip. Transaction control goes
      // by the simple protocol (`unsafe` without parameters): the embedded server serves several
      // connections from one backend and only keeps a connection's messages together inside a
      // transaction, so nothing may run outside one with the extended protocol.
      const [, claims] = await Promise.all([
        conn.unsafe('begin'),
        conn<{ role: MemberRole | null; member_id: string | null }[]>`
          select set_config('role', ${dbRoleFor[identity.kind]}, true),
                 set_config('chief.user_id', ${identity.userId ?? ''}, true),
                 set_config('chief.workspace_id', ${identity.workspaceId ?? ''}, true),
                 auth.member_role() as role, auth.member_id() as member_id`,
      ]);
      const row = claims[0];
      if (identity.kind === 'user' && identity.workspaceId && !row?.role) {
        throw forbidden(`You are not a member of workspace ${identity.workspaceId}`);
      }
      return {
        identity,
        member: row?.role && row.member_id ? { id: row.member_id, role: row.role } : null,
        // A reserved connection lacks the pool's `options`, which drizzle reads to set its type
        // parsers; they are the same options, shared by every connection of the pool.
        db: drizzle({ client: Object.assign(conn, { options: this.sql.options }) }),
        sql: conn,
      };
    } catch (error) {
      await conn.unsafe('rollback').catch(() => {});
      conn.release();
      throw error;
    }
  }

  /** Runs one mutation under a savepoint and turns database refusals into client errors. */
  async mutate<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.get();
    const savepoint = `mutation_${++this.savepoints}`;
    await session.sql.unsafe(`savepoint ${savepoint}`);
    try {
      const result = await fn(session);
      await session.sql.unsafe(`release savepoint ${savepoint}`);
      return result;
    } catch (error) {
      await session.sql.unsafe(`rollback to savepoint ${savepoint}`);
      throw translateDatabaseError(error);
    }
  }

  /**
   * Runs `fn` with the claims pointed at another workspace, then restores them; used when a
   * mutation creates a workspace and must write its first rows and events inside it.
   */
  async inWorkspace<T>(workspaceId: string, fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.get();
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
    const opening = this.opening;
    let session: Session;
    try {
      session = await opening;
    } catch {
      return; // open() already released its connection
    }
    try {
      await session.sql.unsafe(commit ? 'commit' : 'rollback');
    } catch (error) {
      await session.sql.unsafe('rollback').catch(() => {});
      throw translateDatabaseError(error);
    } finally {
      session.sql.release();
    }
  }
}

/**
 * Background work: a transaction under the service role, bound to one workspace. Explicit by
 * design; nothing else runs as the service role.
 */
export async function withServiceSession<T>(sql: SqlClient, workspaceId: string, fn: (session: Session) => Promise<T>): Promise<T> {
  const request = new RequestSession(sql, { kind: 'service', userId: null, workspaceId, scopes: ['read', 'write'] });
  try {
    const result = await request.mutate(fn);
    await request.finish(true);
    return result;
  } catch (error) {
    await request.finish(false);
    throw error;
  }
}
