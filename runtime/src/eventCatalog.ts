import { z } from 'zod';

/**
 * The entities events are about, by the name the log stores (`ops.events.entity_type`), with the
 * GraphQL type that represents each: what history queries and subscriptions resolve an event to.
 */
export const eventEntities = {
  workspace: 'Workspace',
  member: 'Member',
  founder: 'Founder',
  contact: 'Contact',
  deal: 'Deal',
  integration: 'Integration',
  api_key: 'ApiKey',
  task: 'Task',
  task_link: 'TaskLink',
  contact_relationship: 'ContactRelationship',
  contact_interest: 'ContactInterest',
  sync_job: 'SyncJob',
  thread: 'Thread',
  communication: 'Communication',
  meeting: 'Meeting',
  transcript: 'Transcript',
  media_asset: 'MediaAsset',
  briefing: 'Briefing',
  insight: 'Insight',
  decision: 'Decision',
  notification: 'Notification',
  agent_settings: 'AgentSettings',
  workflow: 'Workflow',
  token_usage: 'TokenUsage',
} as const;

export type EventEntity = keyof typeof eventEntities;

const id = z.uuid();
const text = z.string();
const role = z.enum(['owner', 'admin', 'member', 'viewer', 'service']);
/** What an update changed: the input fields it was given. */
const changed = z.array(text);

/** Defines one event type: the entity it is about, and its payload's exact shape. */
const event = <S extends z.ZodRawShape>(entity: EventEntity, payload: S) => ({ entity, payload: z.strictObject(payload) });

/**
 * Every event Chief writes, `{domain}.{entity}.{action}` as in seed 000, with the schema of its
 * payload: the contract between what appends events (every mutation, through appendEvent, which
 * accepts only these types and validates the payload) and what reads them (the ops subgraph,
 * subscriptions, pipelines). A payload holds what a reader needs to know of the change without
 * loading the entity, and never a secret.
 */
export const eventCatalog = {
  'core.workspace.created': event('workspace', { name: text, slug: text }),
  'core.workspace.updated': event('workspace', { name: text.optional() }),
  /** The search pipeline wrote a batch of one table's vectors (or why rows have none). */
  'core.workspace.search_indexed': event('workspace', { source: z.enum(['CONTACT', 'COMMUNICATION', 'MEETING', 'MEDIA', 'INSIGHT']), embedded: z.number().int(), failed: z.number().int(), embedder: text }),
  'core.member.invited': event('member', { userId: text, role }),
  'core.member.role_changed': event('member', { from: role, to: role }),
  'core.member.removed': event('member', { userId: text, role }),
  'core.founder.created': event('founder', { name: text }),
  'core.founder.updated': event('founder', { changed }),
  'core.contact.created': event('contact', { name: text, email: text.nullable() }),
  'core.contact.updated': event('contact', { changed }),
  'core.contact.deleted': event('contact', { name: text }),
  'core.deal.created': event('deal', { title: text, stage: text }),
  'core.deal.updated': event('deal', { changed, stage: text }),
  'core.deal.deleted': event('deal', { title: text }),
  'core.integration.connected': event('integration', { platform: text }),
  'core.integration.disconnected': event('integration', { platform: text }),
  'core.api_key.created': event('api_key', { name: text, scopes: z.array(z.enum(['read', 'write'])) }),
  'core.api_key.revoked': event('api_key', { name: text }),
  'core.contact_relationship.created': event('contact_relationship', { type: text, contactIds: z.array(id) }),
  'core.contact_relationship.updated': event('contact_relationship', { changed }),
  'core.contact_relationship.deleted': event('contact_relationship', { type: text, contactIds: z.array(id) }),
  'core.contact_interest.created': event('contact_interest', { contactId: id, category: text, topic: text, confidence: z.number() }),
  'core.contact_interest.reinforced': event('contact_interest', { contactId: id, confidence: z.number(), evidenceCount: z.number().int() }),
  'core.contact_interest.deleted': event('contact_interest', { contactId: id, category: text, topic: text }),
  'core.sync_job.started': event('sync_job', { integrationId: id, jobType: text }),
  'core.sync_job.progressed': event('sync_job', { seen: z.number().int(), written: z.number().int(), failed: z.number().int(), cursor: text.nullable().optional() }),
  'core.sync_job.finished': event('sync_job', { status: text, seen: z.number().int(), written: z.number().int(), failed: z.number().int() }),
  'comms.thread.created': event('thread', { platform: text, externalId: text }),
  'comms.communication.received': event('communication', {
    platform: text, externalId: text, direction: text, urgency: text, threadId: id.nullable(), contactIds: z.array(id),
  }),
  'comms.communication.updated': event('communication', { changed }),
  'meetings.meeting.ingested': event('meeting', {
    platform: text, externalId: text, title: text, startTime: text, status: text, participantCount: z.number().int(), contactIds: z.array(id),
  }),
  'meetings.meeting.updated': event('meeting', { changed, status: text }),
  'meetings.transcript.attached': event('transcript', {
    meetingId: id, status: text, language: text.nullable(), chunkCount: z.number().int(), actionItemCount: z.number().int(), sopStepCount: z.number().int(),
  }),
  'meetings.transcript.updated': event('transcript', { meetingId: id, changed, status: text }),
  'media.media_asset.ingested': event('media_asset', { platform: text, externalId: text, kind: text, title: text, status: text, chunkCount: z.number().int() }),
  'media.media_asset.updated': event('media_asset', { changed, status: text }),
  'intel.briefing.created': event('briefing', { founderId: id, kind: text, periodStart: text, status: text, sectionCount: z.number().int() }),
  'intel.briefing.updated': event('briefing', { changed, status: text }),
  'intel.briefing.delivered': event('briefing', { founderId: id, kind: text }),
  'intel.insight.created': event('insight', { kind: text, founderId: id.nullable(), confidence: z.number(), impactScore: z.number(), evidenceCount: z.number().int() }),
  'intel.insight.updated': event('insight', { changed, status: text }),
  'intel.decision.created': event('decision', { question: text, optionCount: z.number().int() }),
  'intel.decision.made': event('decision', { chosenOption: text }),
  'intel.notification.created': event('notification', { kind: text, channel: text, priority: text, recipientId: id.nullable(), dedupKey: text }),
  'intel.notification.updated': event('notification', { changed }),
  'intel.agent_settings.updated': event('agent_settings', { changed }),
  'flows.workflow.created': event('workflow', { kind: text, stage: text, requiresApproval: z.boolean(), meetingId: id.nullable() }),
  'flows.workflow.stage_changed': event('workflow', { from: text, to: text }),
  'flows.workflow.approved': event('workflow', { from: text, to: text }),
  'flows.workflow.rejected': event('workflow', { from: text, to: text }),
  'flows.workflow.checkpointed': event('workflow', { version: z.number().int(), step: text, nextStep: text.nullable(), generation: z.number().int() }),
  'flows.workflow.resumed': event('workflow', { generation: z.number().int(), fromVersion: z.number().int().nullable(), nextStep: text.nullable() }),
  'flows.workflow.nodes_updated': event('workflow', { nodeKeys: z.array(text).max(500), added: z.number().int() }),
  'flows.workflow.budget_set': event('workflow', { limitUsd: z.number().nullable(), warnRatio: z.number().nullable() }),
  'flows.workspace.budget_set': event('workspace', { limitUsd: z.number().nullable(), workflowLimitUsd: z.number().nullable(), warnRatio: z.number() }),
  'flows.token_usage.authorized': event('token_usage', { model: text, workflowId: id.nullable(), pipeline: text.nullable(), estimatedCostUsd: z.number() }),
  'flows.token_usage.recorded': event('token_usage', {
    model: text, workflowId: id.nullable(), pipeline: text.nullable(), totalTokens: z.number().int(), costUsd: z.number(), authorizationId: id.nullable().optional(),
  }),
  'flows.token_usage.refused': event('token_usage', {
    model: text, workflowId: id.nullable(), estimatedCostUsd: z.number(), limitUsd: z.number(), scope: z.enum(['workspace', 'workflow']),
  }),
  'work.task.created': event('task', { title: text, status: text, priority: text, assigneeId: id.nullable() }),
  'work.task.updated': event('task', { changed, from: z.strictObject({ status: text }), to: z.strictObject({ status: text }) }),
  'work.task.deleted': event('task', { title: text }),
  'work.task.linked': event('task', { platform: text, externalId: text }),
  'work.task.unlinked': event('task', { platform: text, externalId: text }),
} as const;

export type EventType = keyof typeof eventCatalog;
/** The payload an event of type `T` carries, as its writer gives it. */
export type EventPayload<T extends EventType> = z.input<(typeof eventCatalog)[T]['payload']>;

/** Whether `type` is one the catalog lists (own keys only: `constructor` is not an event). */
export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);

/** An event as it was stored, read through the catalog: a known type with a payload of its shape. */
export type CataloguedEvent = { [T in EventType]: { type: T; payload: z.output<(typeof eventCatalog)[T]['payload']> } }[EventType];

/**
 * Reads a stored event through the catalog, as every consumer does (the ops subgraph,
 * subscriptions, pipelines). appendEvent wrote it checked, so a row that does not read is a bug.
 */
export function readEvent(row: { type: string; payload: unknown }): CataloguedEvent {
  if (!isEventType(row.type)) throw new Error(`readEvent: ${row.type} is not in the event catalog`);
  const payload = eventCatalog[row.type].payload.safeParse(row.payload);
  if (!payload.success) throw new Error(`readEvent: a stored ${row.type} does not match the catalog`);
  return { type: row.type, payload: payload.data } as CataloguedEvent;
}
