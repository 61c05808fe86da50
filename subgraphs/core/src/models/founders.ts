import { sql } from 'drizzle-orm';
import { check, foreignKey, jsonb, pgPolicy, text, uniqueIndex, unique } from 'drizzle-orm/pg-core';
import { appRole, id, policyPredicates, servicePolicy, timestamps, workspaceId } from '@chief/db';
import { core } from './schema.ts';
import { workspaces } from './workspaces.ts';

const { inWorkspace, isMember, canWrite, isAdmin } = policyPredicates;

/** A founder the workspace serves: the person whose inbox, meetings and tasks Chief runs. */
export const founders = core.table(
  'founders',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** Set when the founder signs in to Chief; lets them edit their own profile. */
    userId: text('user_id'),
    displayName: text('display_name').notNull(),
    email: text('email').notNull(),
    title: text('title'),
    timezone: text('timezone').notNull().default('UTC'),
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_founders_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('uq_founders_workspace_email').on(t.workspaceId, t.email),
    unique('uq_founders_workspace_id').on(t.workspaceId, t.id),
    check('ck_founders_display_name', sql`char_length(btrim(${t.displayName})) between 1 and 200`),
    check('ck_founders_email', sql`${t.email} ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'`),
    pgPolicy('founders_select', { for: 'select', to: appRole, using: sql`${inWorkspace(t.workspaceId)} and ${isMember}` }),
    pgPolicy('founders_insert', { for: 'insert', to: appRole, withCheck: sql`${inWorkspace(t.workspaceId)} and ${isAdmin}` }),
    // A founder who signed in edits their own profile, unless their role is viewer (viewers only read).
    pgPolicy('founders_update', {
      for: 'update', to: appRole,
      using: sql`${inWorkspace(t.workspaceId)} and (${isAdmin} or (${canWrite} and ${t.userId} = (select auth.user_id())))`,
      withCheck: sql`${inWorkspace(t.workspaceId)} and (${isAdmin} or (${canWrite} and ${t.userId} = (select auth.user_id())))`,
    }),
    pgPolicy('founders_delete', { for: 'delete', to: appRole, using: sql`${inWorkspace(t.workspaceId)} and ${isAdmin}` }),
    servicePolicy('founders', t.workspaceId),
  ],
);
