import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, pgPolicy, pgRole } from 'drizzle-orm/pg-core';

/**
 * Database roles. Requests (people and partner API keys) switch to `chief_app` for their
 * transaction, background work to `chief_service`; neither owns a table, so row-level security
 * always applies to them. Both are created by the first migration.
 */
export const appRole = pgRole('chief_app').existing();
export const serviceRole = pgRole('chief_service').existing();

// Predicates shared by every policy. The helpers in schema `auth` are SECURITY DEFINER and read
// the transaction's claims (set_config(..., true)); `(select ...)` makes Postgres evaluate them
// once per statement instead of once per row. auth.caller_role() is a person's membership role,
// or an API key's: 'member' (write scope) or 'viewer' (read only), only while the key is live.
// auth.member_id() is null for a key: it is not a member.
const inWorkspace = (workspaceId: AnyPgColumn | SQL) => sql`${workspaceId} = (select auth.workspace_id())`;
const isMember = sql`(select auth.caller_role()) is not null`;
const canWrite = sql`(select auth.caller_role()) in ('owner', 'admin', 'member')`;
const isAdmin = sql`(select auth.caller_role()) in ('owner', 'admin')`;
const isOwner = sql`(select auth.caller_role()) = 'owner'`;
const isApiKey = sql`(select auth.api_key_id()) is not null`;
const isMemberSelf = (memberColumn: AnyPgColumn) => sql`${memberColumn} = (select auth.member_id())`;
/** A new row is attributed to the caller: their member id, or no one for an API key. */
const namesCaller = (memberColumn: AnyPgColumn) => sql`${memberColumn} is not distinct from (select auth.member_id())`;
/** An event actor is the caller: the person (by subject) or the API key (by id), as appendEvent writes it. */
const isCaller = (actorType: AnyPgColumn, actorId: AnyPgColumn) => sql`case when ${isApiKey}
  then ${actorType} = 'api_key' and ${actorId} = (select auth.api_key_id())::text
  else ${actorType} = 'user' and ${actorId} = (select auth.user_id()) end`;

export interface TenantPolicyOptions {
  /**
   * Who may change a row: 'own' lets members change rows they created (or the given columns name
   * them) and write API keys change any row, admins and owners change all; 'admin' leaves writes
   * to admins and owners.
   */
  write: 'own' | 'admin';
  /** Member columns that make a row "own" for a member (e.g. created_by, assignee). */
  ownerColumns?: AnyPgColumn[];
  /** A further predicate that makes a row "own" (e.g. the founder whose inbox it is is the caller). */
  ownedWhen?: SQL;
  /**
   * Who may add a row: any writer (default), or, for a row that belongs to a parent ('owned'),
   * only who may change it, so a member cannot hang a part on someone else's parent.
   */
  insert?: 'writer' | 'owned';
  /** The column that records who made a row; a new row must name the caller (null for a key). */
  createdBy?: AnyPgColumn;
  /** Whether write API keys may write to a 'own' table (default true); not where secrets live. */
  keysWrite?: boolean;
  /** Who may read: every member (default) or only admins and owners. */
  read?: 'member' | 'admin';
}

/**
 * One policy per command for the application role, and one scoped policy for the service role,
 * for a table that carries `workspace_id`. Viewers (and read-only keys) only read.
 */
export function tenantPolicies(table: string, workspaceId: AnyPgColumn, options: TenantPolicyOptions) {
  const { write, ownerColumns = [], ownedWhen, createdBy, keysWrite = true, read = 'member', insert = 'writer' } = options;
  const here = inWorkspace(workspaceId);
  const readable = read === 'admin' ? isAdmin : isMember;
  const owning = [...ownerColumns.map(isMemberSelf), ...(ownedWhen ? [ownedWhen] : [])];
  const ownRows = owning.length ? sql.join(owning, sql` or `) : sql`false`;
  // A write key holds the member role without being a member: it changes every ordinary row.
  const changeable = keysWrite ? sql`${ownRows} or ${isApiKey}` : ownRows;
  const mayChange = write === 'admin' ? isAdmin : sql`(${isAdmin} or (${canWrite} and (${changeable})))`;
  const mayAdd = write === 'admin' ? isAdmin : keysWrite ? canWrite : sql`(${canWrite} and not (${isApiKey}))`;
  const mayInsert = insert === 'owned' ? sql`${mayAdd} and ${mayChange}` : mayAdd;
  const attributed = createdBy ? sql` and ${namesCaller(createdBy)}` : sql``;
  return [
    pgPolicy(`${table}_select`, { for: 'select', to: appRole, using: sql`${here} and ${readable}` }),
    pgPolicy(`${table}_insert`, { for: 'insert', to: appRole, withCheck: sql`${here} and ${mayInsert}${attributed}` }),
    pgPolicy(`${table}_update`, { for: 'update', to: appRole, using: sql`${here} and ${mayChange}`, withCheck: sql`${here} and ${mayChange}` }),
    pgPolicy(`${table}_delete`, { for: 'delete', to: appRole, using: sql`${here} and ${mayChange}` }),
    servicePolicy(table, workspaceId),
  ];
}

/** The service role works on one named workspace at a time, never across workspaces. */
export function servicePolicy(table: string, workspaceId: AnyPgColumn) {
  const here = inWorkspace(workspaceId);
  return pgPolicy(`${table}_service`, { for: 'all', to: serviceRole, using: here, withCheck: here });
}

export const policyPredicates = { inWorkspace, isMember, canWrite, isAdmin, isOwner, isCaller };
