import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the intel domain: what Chief makes of what arrived, for the founder to read. */
export const intel = pgSchema('intel');

export const briefingKind = intel.enum('briefing_kind', ['daily', 'weekly']);
/** draft → ready → delivered (ready may go back to draft); the database checks each step. */
export const briefingStatus = intel.enum('briefing_status', ['draft', 'ready', 'delivered']);
export const insightKind = intel.enum('insight_kind', ['metric', 'relationship', 'risk', 'opportunity', 'follow_up', 'trend', 'other']);
/** active → acknowledged | dismissed | expired; the database checks each step. */
export const insightStatus = intel.enum('insight_status', ['active', 'acknowledged', 'dismissed', 'expired']);
/** What an insight, a briefing or a decision rests on: an entity of another domain (or another insight). */
export const sourceType = intel.enum('source_type', ['communication', 'meeting', 'task', 'contact', 'media_asset', 'insight']);
export const notificationKind = intel.enum('notification_kind', [
  'going_cold', 'follow_up', 'task_due', 'meeting_prep', 'insight', 'briefing_ready', 'budget_warning', 'budget_exceeded', 'job_change', 'birthday', 'other',
]);
export const notificationChannel = intel.enum('notification_channel', ['in_app', 'email', 'push', 'slack']);
/** Declared in rising order, so `priority >= 'high'` is "high or urgent". */
export const notificationPriority = intel.enum('notification_priority', ['low', 'medium', 'high', 'urgent']);
export const modelProvider = intel.enum('model_provider', ['openai', 'anthropic', 'azure_openai', 'openai_compatible', 'local']);
/** The kinds of model work Chief does, each of which may use its own model. */
export const modelTask = intel.enum('model_task', ['summary', 'action_items', 'sop_steps', 'briefing', 'insight', 'sentiment', 'embedding', 'chat']);
/** What the workspace lets Chief do on its own. */
export const agentCapability = intel.enum('agent_capability', ['summaries', 'action_items', 'briefings', 'insights', 'nudges', 'sentiment', 'workflows']);
