import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { attendance, meetingsSchema as schema, participantRole } from './schema.ts';
import { meetings } from './meetings.ts';

/**
 * Who was asked to or took part in a meeting: a contact or a member (matched by email address,
 * as comms matches senders), or only a name and address when Chief knows neither. Written with
 * the meeting and replaced when it changes; Contact.meetings reads through it.
 */
export const participants = schema.table(
  'participants',
  {
    id: id(),
    workspaceId: workspaceId(),
    meetingId: uuid('meeting_id').notNull(),
    /** Where the connector listed them: participants come back in this order. */
    position: integer('position').notNull(),
    address: text('address'),
    name: text('name'),
    contactId: uuid('contact_id'),
    memberId: uuid('member_id'),
    role: participantRole('role').notNull().default('attendee'),
    attendance: attendance('attendance').notNull().default('invited'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_participants_meeting', columns: [t.workspaceId, t.meetingId], foreignColumns: [meetings.workspaceId, meetings.id] }).onDelete('cascade'),
    uniqueIndex('uq_participants_meeting_position').on(t.meetingId, t.position),
    uniqueIndex('uq_participants_meeting_address').on(t.meetingId, sql`lower(${t.address})`),
    // A contact takes part once: Contact.meetings lists a meeting once.
    uniqueIndex('uq_participants_meeting_contact').on(t.meetingId, t.contactId).where(sql`${t.contactId} is not null`),
    index('ix_participants_workspace_contact').on(t.workspaceId, t.contactId).where(sql`${t.contactId} is not null`),
    check('ck_participants_position', sql`${t.position} between 0 and 499`),
    check('ck_participants_identity', sql`${t.address} is not null or ${t.name} is not null`),
    check('ck_participants_address', sql`${t.address} is null or char_length(btrim(${t.address})) between 1 and 320`),
    check('ck_participants_name', sql`${t.name} is null or char_length(${t.name}) <= 200`),
    ...tenantPolicies('participants', t.workspaceId, { write: 'own', insert: 'owned', createdBy: t.createdBy, ownedWhen: ownedThrough('meetings.meetings', t.meetingId) }),
  ],
);
