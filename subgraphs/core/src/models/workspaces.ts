import { sql } from 'drizzle-orm';
import { check, jsonb, pgPolicy, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { appRole, id, policyPredicates, serviceRole, timestamps } from '@chief/db';
import { core } from './schema.ts';

const { isAdmin, isMember, isOwner } = policyPredicates;

/** A tenant. Every other tenant row points at one workspace. */
export const workspaces = core.table(
  'workspaces',
  {
    id: id(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    /** Identity-provider subject of the creator; lets the creator enrol as first owner. */
    createdByUserId: text('created_by_user_id').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_workspaces_slug').on(t.slug),
    check('ck_workspaces_name', sql`char_length(btrim(${t.name})) between 1 and 200`),
    check('ck_workspaces_slug', sql`${t.slug} ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'`),
    // People see every workspace they belong to; an API key sees its own while it is live.
    pgPolicy('workspaces_select', {
      for: 'select', to: appRole,
      using: sql`${t.id} in (select auth.user_workspaces()) or (${t.id} = (select auth.workspace_id()) and ${isMember})`,
    }),
    // Anyone signed in may create a workspace in their own name; enrolling as its owner is the
    // members policy's job.
    pgPolicy('workspaces_insert', { for: 'insert', to: appRole, withCheck: sql`${t.createdByUserId} = (select auth.user_id())` }),
    pgPolicy('workspaces_update', {
      for: 'update', to: appRole,
      using: sql`${t.id} = (select auth.workspace_id()) and ${isAdmin}`,
      withCheck: sql`${t.id} = (select auth.workspace_id()) and ${isAdmin}`,
    }),
    pgPolicy('workspaces_delete', { for: 'delete', to: appRole, using: sql`${t.id} = (select auth.workspace_id()) and ${isOwner}` }),
    pgPolicy('workspaces_service', { for: 'select', to: serviceRole, using: sql`${t.id} = (select auth.workspace_id())` }),
  ],
);
