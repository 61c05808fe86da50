import { sql } from 'drizzle-orm';
import { check, integer, jsonb, numeric, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { agentCapability, intel, modelProvider, type modelTask } from './schema.ts';

export type ModelTask = (typeof modelTask.enumValues)[number];

/**
 * The workspace's model settings (seed 002's agent configuration): the provider, a model per kind
 * of work, temperature, token limits and what Chief may do on its own. One row per workspace, made
 * with the workspace (a trigger of the migration), changed by admins only.
 */
export const agentSettings = intel.table(
  'agent_settings',
  {
    id: id(),
    workspaceId: workspaceId(),
    provider: modelProvider('provider').notNull().default('openai'),
    models: jsonb('models').$type<Partial<Record<ModelTask, string>>>().notNull().default({}),
    /** The model for any kind of work `models` does not name. */
    defaultModel: text('default_model').notNull().default('gpt-4o-mini'),
    temperature: numeric('temperature', { precision: 3, scale: 2, mode: 'number' }).notNull().default(0.7),
    maxInputTokens: integer('max_input_tokens').notNull().default(128_000),
    maxOutputTokens: integer('max_output_tokens').notNull().default(4_096),
    capabilities: agentCapability('capabilities').array().notNull().default(sql`'{summaries,action_items,briefings,insights,nudges,sentiment,workflows}'::intel.agent_capability[]`),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_agent_settings_workspace').on(t.workspaceId),
    check('ck_agent_settings_temperature', sql`${t.temperature} between 0 and 2`),
    check('ck_agent_settings_tokens', sql`${t.maxInputTokens} between 1 and 2000000 and ${t.maxOutputTokens} between 1 and 200000`),
    check('ck_agent_settings_default_model', sql`char_length(btrim(${t.defaultModel})) between 1 and 200`),
    check(
      'ck_agent_settings_models',
      sql`jsonb_typeof(${t.models}) = 'object'
        and not jsonb_path_exists(${t.models}, '$.keyvalue() ? (!(@.key like_regex "^(summary|action_items|sop_steps|briefing|insight|sentiment|embedding|chat)$") || @.value.type() != "string" || !(@.value like_regex "^[^ ].{0,199}$"))')`,
    ),
    ...tenantPolicies('agent_settings', t.workspaceId, { write: 'admin' }),
  ],
);
