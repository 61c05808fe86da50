import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, jsonb, numeric, text, timestamp, uniqueIndex, uuid, unique } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core, dealStage } from './schema.ts';
import { workspaces } from './workspaces.ts';

/** The sales and fundraising pipeline. Value is exact (numeric) with an ISO 4217 currency. */
export const deals = core.table(
  'deals',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    contactId: uuid('contact_id'),
    title: text('title').notNull(),
    stage: dealStage('stage').notNull().default('lead'),
    probability: integer('probability').notNull().default(0),
    valueAmount: numeric('value_amount', { precision: 14, scale: 2 }),
    valueCurrency: text('value_currency'),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_deals_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    unique('uq_deals_workspace_id').on(t.workspaceId, t.id),
    index('ix_deals_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_deals_workspace_stage').on(t.workspaceId, t.stage),
    index('ix_deals_workspace_contact').on(t.workspaceId, t.contactId),
    check('ck_deals_title', sql`char_length(btrim(${t.title})) between 1 and 300`),
    check('ck_deals_probability', sql`${t.probability} between 0 and 100`),
    check('ck_deals_value_amount', sql`${t.valueAmount} is null or ${t.valueAmount} >= 0`),
    check('ck_deals_value_currency', sql`(${t.valueAmount} is null) = (${t.valueCurrency} is null) and (${t.valueCurrency} is null or ${t.valueCurrency} ~ '^[A-Z]{3}$')`),
    ...tenantPolicies('deals', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
