import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the meetings domain: calendar meetings, who took part, their transcripts. */
export const meetingsSchema = pgSchema('meetings');

export const meetingPlatform = meetingsSchema.enum('platform', ['zoom', 'google_meet', 'teams', 'webex', 'slack', 'phone', 'in_person', 'other']);
export const meetingStatus = meetingsSchema.enum('meeting_status', ['scheduled', 'in_progress', 'completed', 'canceled']);
export const participantRole = meetingsSchema.enum('participant_role', ['organizer', 'attendee', 'optional']);
export const attendance = meetingsSchema.enum('attendance', ['invited', 'accepted', 'declined', 'tentative', 'attended', 'absent']);
/** The pipeline a transcript moves through; a trigger allows only the forward steps (and a retry of a failed one). */
export const transcriptStatus = meetingsSchema.enum('transcript_status', ['pending', 'processing', 'completed', 'failed']);
