import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, pgPolicy, pgRole } from 'drizzle-orm/pg-core';

/**
 * Database roles. Requests switch to `chief_app` for their transaction, background work to
 * `chief_service`; neither owns a table, so row-level security always applies to them.
 * Both are created by the first migration.
 */
export const appRole = pgRole('chief_app').existing();
export const serviceRole = pgRole('chief_service').existing();

// Predicates shared by every policy. The helpers in schema `auth` are SECURITY DEFINER and read
// the transaction's claims (set_config(..., true)); `(select ...)` makes Postgres evaluate them
// once per statement instead of once per row.
const inWorkspace = (workspaceId: AnyPgColumn | SQL) => sql`${workspaceId} = (select auth.workspace_id())`;
const isMember = sql`(select auth.member_role()) is not null`;
const canWrite = sql`(select auth.member_role()) in ('owner', 'admin', 'member')`;
const isAdmin = sql`(select auth.member_role()) in ('owner', 'admin')`;
const isMemberSelf = (memberColumn: AnyPgColumn) => sql`${memberColumn} = (select auth.member_id())`;

export interface TenantPolicyOptions {
  /**
   * Who may change a row: 'own' lets members change rows they created (or the given columns name
   * them), admins and owners change all; 'admin' leaves writes to admins and owners.
   */
  write: 'own' | 'admin';
  /** Member columns that make a row "own" for a member (e.g. created_by, assignee). */
  ownerColumns?: AnyPgColumn[];
  /** Who may read: every member (default) or only admins and owners. */
  read?: 'member' | 'admin';
}

/**
 * One policy per command for the application role, and one scoped policy for the service role,
 * for a table that carries `workspace_id`. Viewers only read.
 */
export function tenantPolicies(table: string, workspaceId: AnyPgColumn, options: TenantPolicyOptions) {
  const { write, ownerColumns = [], read = 'member' } = options;
  const here = inWorkspace(workspaceId);
  const readable = read === 'admin' ? isAdmin : isMember;
  const ownRows = ownerColumns.length ? sql.join(ownerColumns.map(isMemberSelf), sql` or `) : sql`false`;
  const mayChange = write === 'admin' ? isAdmin : sql`(${isAdmin} or (${canWrite} and (${ownRows})))`;
  const mayInsert = write === 'admin' ? isAdmin : canWrite;
  return [
    pgPolicy(`${table}_select`, { for: 'select', to: appRole, using: sql`${here} and ${readable}` }),
    pgPolicy(`${table}_insert`, { for: 'insert', to: appRole, withCheck: sql`${here} and ${mayInsert}` }),
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

export const policyPredicates = { inWorkspace, isMember, canWrite, isAdmin, isMemberSelf };
