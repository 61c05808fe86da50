import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the comms domain: the unified inbox over every platform. */
export const comms = pgSchema('comms');

export const commsPlatform = comms.enum('platform', ['gmail', 'outlook', 'email', 'slack', 'discord', 'whatsapp', 'telegram', 'teams', 'linkedin', 'sms', 'other']);
export const direction = comms.enum('direction', ['inbound', 'outbound', 'internal']);
/** Declared in rising order: `urgency >= 'high'` is "high or urgent". */
export const urgency = comms.enum('urgency', ['low', 'normal', 'high', 'urgent']);
