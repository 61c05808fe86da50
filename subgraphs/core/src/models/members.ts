import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, foreignKey, index, pgPolicy, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { appRole, id, policyPredicates, servicePolicy, timestamps, workspaceId } from '@chief/db';
import { core, roleType } from './schema.ts';
import { workspaces } from './workspaces.ts';

const { inWorkspace, isMember, isAdmin, isOwner } = policyPredicates;

/** Owners alone grant, change or remove the owner role. */
const ownerOnlyByOwner = (role: AnyPgColumn) => sql`(${role} <> 'owner' or ${isOwner})`;

/**
 * A user's membership of a workspace, with the role that row-level security reads.
 * Only owners make or unmake owners; the last owner cannot leave or be demoted (trigger in the
 * migrations).
 */
export const members = core.table(
  'members',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** Identity-provider subject (JWT `sub`); text because providers do not all use UUIDs. */
    userId: text('user_id').notNull(),
    role: roleType('role').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_members_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    unique('uq_members_workspace_user').on(t.workspaceId, t.userId),
    // Target of the tenant-consistent foreign keys: a row may only name a member of its own workspace.
    unique('uq_members_workspace_id').on(t.workspaceId, t.id),
    index('ix_members_user').on(t.userId),
    check('ck_members_display_name', sql`char_length(btrim(${t.displayName})) between 1 and 200`),
    check('ck_members_email', sql`${t.email} is null or ${t.email} ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'`),
    // Only the workspace in scope, even for a user who belongs to several: the caller's other
    // memberships are reached through auth.user_workspaces() and auth.user_role_in().
    pgPolicy('members_select', { for: 'select', to: appRole, using: sql`${inWorkspace(t.workspaceId)} and ${isMember}` }),
    // Admins and owners add members, owners alone add owners; the creator of a workspace without
    // members enrols as its owner.
    pgPolicy('members_insert', {
      for: 'insert', to: appRole,
      withCheck: sql`(${inWorkspace(t.workspaceId)} and ${isAdmin} and ${ownerOnlyByOwner(t.role)})
        or (${t.userId} = (select auth.user_id()) and ${t.role} = 'owner' and auth.may_enrol_as_first_owner(${t.workspaceId}))`,
    }),
    // USING sees the old row, WITH CHECK the new one: neither may be an owner unless an owner acts.
    pgPolicy('members_update', {
      for: 'update', to: appRole,
      using: sql`${inWorkspace(t.workspaceId)} and ${isAdmin} and ${ownerOnlyByOwner(t.role)}`,
      withCheck: sql`${inWorkspace(t.workspaceId)} and ${isAdmin} and ${ownerOnlyByOwner(t.role)}`,
    }),
    // Members may also leave on their own.
    pgPolicy('members_delete', {
      for: 'delete', to: appRole,
      using: sql`${inWorkspace(t.workspaceId)} and ((${isAdmin} and ${ownerOnlyByOwner(t.role)}) or ${t.userId} = (select auth.user_id()))`,
    }),
    servicePolicy('members', t.workspaceId),
  ],
);
