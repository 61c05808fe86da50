import type { Session } from './createRequestSession.ts';
import { textArray } from './queries.ts';

/** Who an address is in the workspace, as core matched it. */
export interface ParticipantMatch {
  contactId: string | null;
  memberId: string | null;
}

const NO_MATCH: ParticipantMatch = { contactId: null, memberId: null };

/**
 * What core matches an address by: an email address (any platform) by itself, lowercased; a chat
 * handle as `platform:handle`, as Contact.handles holds it.
 */
export const participantKey = (platform: string, address: string) => (address.includes('@') ? address.toLowerCase() : `${platform}:${address.toLowerCase()}`);

/**
 * The contact and member behind each of a batch's addresses, in one statement through core's
 * database API (core.match_participants), under the caller's row-level security. `match` answers
 * for any (platform, address), unmatched ones included.
 */
export async function matchParticipants(session: Session, addresses: readonly { platform: string; address: string }[]) {
  const keys = [...new Set(addresses.map((a) => participantKey(a.platform, a.address)))];
  const rows = keys.length
    ? await session.sql<{ key: string; contact_id: string | null; member_id: string | null }[]>`select key, contact_id, member_id from core.match_participants(${textArray(keys)}::text[])`
    : [];
  const found = new Map(rows.map((m) => [m.key, { contactId: m.contact_id, memberId: m.member_id }]));
  return { match: (platform: string, address: string): ParticipantMatch => found.get(participantKey(platform, address)) ?? NO_MATCH };
}

/**
 * Moves the contacts' relationship strength and last interaction for interactions at the given
 * instants (core.record_interactions: the decay formula lives there), each by `weight` toward 1.
 */
export async function recordInteractions(session: Session, touches: readonly { contactId: string; at: string }[], weight: number): Promise<void> {
  if (!touches.length) return;
  await session.sql`select core.record_interactions(${textArray(touches.map((t) => t.contactId))}::uuid[], ${textArray(touches.map((t) => t.at))}::timestamptz[], ${weight})`;
}
