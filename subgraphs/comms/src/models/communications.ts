import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, jsonb, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, searchIndexColumns, searchIndexRules, searchTerms, weightedWords, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { comms, commsPlatform, direction, urgency } from './schema.ts';
import { threads } from './threads.ts';

/** Seed 000's sentiment shape; the CHECK below holds the database to it. */
export interface Sentiment {
  /** -1..1. */
  score: number;
  label: 'positive' | 'negative' | 'neutral' | 'mixed';
  /** 0..1. */
  confidence: number;
  keywords: string[];
}

/** A recipient as ingested, with whom Chief matched the address to (core's contacts and members). */
export interface Recipient {
  address: string;
  name: string | null;
  kind: 'to' | 'cc' | 'bcc';
  contactId: string | null;
  memberId: string | null;
}

/**
 * One message of the unified inbox (email, Slack, Discord, ...), idempotent on (workspace,
 * platform, external id). `contact_ids` holds every contact the message involves (sender and
 * recipients, matched by address or handle), GIN-indexed for Contact.communications; `source_hash`
 * fingerprints what the connector sent, so a repeat is recognised without comparing columns.
 */
export const communications = comms.table(
  'communications',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    threadId: uuid('thread_id'),
    platform: commsPlatform('platform').notNull(),
    externalId: text('external_id').notNull(),
    direction: direction('direction').notNull(),
    senderAddress: text('sender_address').notNull(),
    senderName: text('sender_name'),
    senderContactId: uuid('sender_contact_id'),
    senderMemberId: uuid('sender_member_id'),
    recipients: jsonb('recipients').$type<Recipient[]>().notNull().default([]),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    subject: text('subject'),
    content: text('content').notNull().default(''),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    followUpNeeded: boolean('follow_up_needed').notNull().default(false),
    followUpDueAt: timestamp('follow_up_due_at', { withTimezone: true, mode: 'date' }),
    followUpNote: text('follow_up_note'),
    urgency: urgency('urgency').notNull().default('normal'),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    sentiment: jsonb('sentiment').$type<Sentiment>(),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    /** The platform's own fields Chief does not model (labels, reactions, ...). */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    sourceHash: text('source_hash').notNull(),
    ...searchIndexColumns(),
    searchTerms: searchTerms(weightedWords({ A: ['"subject"'], B: ['"content"'] })),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_communications_thread', columns: [t.workspaceId, t.threadId], foreignColumns: [threads.workspaceId, threads.id] }).onDelete('set null'),
    uniqueIndex('uq_communications_workspace_platform_external').on(t.workspaceId, t.platform, t.externalId),
    index('ix_communications_workspace_received').on(t.workspaceId, t.receivedAt.desc(), t.id.desc()),
    index('ix_communications_workspace_founder_received').on(t.workspaceId, t.founderId, t.receivedAt.desc(), t.id.desc()),
    index('ix_communications_workspace_thread_received').on(t.workspaceId, t.threadId, t.receivedAt.desc(), t.id.desc()),
    index('ix_communications_contact_ids').using('gin', t.contactIds),
    index('ix_communications_follow_up').on(t.workspaceId, t.founderId).where(sql`${t.followUpNeeded}`),
    index('ix_communications_embedding').using('hnsw', t.embedding.op('vector_cosine_ops')),
    ...searchIndexRules('communications', t),
    check('ck_communications_external_id', sql`char_length(${t.externalId}) between 1 and 500`),
    check('ck_communications_sender_address', sql`char_length(btrim(${t.senderAddress})) between 1 and 320`),
    check('ck_communications_subject', sql`${t.subject} is null or char_length(${t.subject}) <= 1000`),
    check('ck_communications_content', sql`char_length(${t.content}) <= 200000`),
    check('ck_communications_recipients', sql`jsonb_typeof(${t.recipients}) = 'array' and jsonb_array_length(${t.recipients}) <= 500`),
    check('ck_communications_topics', sql`cardinality(${t.topics}) <= 20`),
    check('ck_communications_follow_up', sql`${t.followUpNeeded} or (${t.followUpDueAt} is null and ${t.followUpNote} is null)`),
    // Seed 000's shape, every part checked (CASE: a CHECK's AND does not guard the cast).
    check(
      'ck_communications_sentiment',
      sql`${t.sentiment} is null or (jsonb_typeof(${t.sentiment}) = 'object'
        and case when jsonb_typeof(${t.sentiment}->'score') = 'number' then (${t.sentiment}->>'score')::numeric between -1 and 1 else false end
        and case when jsonb_typeof(${t.sentiment}->'confidence') = 'number' then (${t.sentiment}->>'confidence')::numeric between 0 and 1 else false end
        and coalesce(${t.sentiment}->>'label', '') in ('positive', 'negative', 'neutral', 'mixed')
        and jsonb_typeof(coalesce(${t.sentiment}->'keywords', '[]'::jsonb)) = 'array')`,
    ),
    // A founder's own inbox is theirs to read, flag and archive, whoever ingested it.
    ...tenantPolicies('communications', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
