import { expect, it } from 'vitest';
import { literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, touched } from '../../../test/support/asCaller.ts';
import { describeIngestedPolicies } from '../../../test/support/describeIngestedPolicies.ts';

/** A meeting of the copied row's maker that has no transcript yet (one transcript per meeting). */
async function meetingWithoutTranscript(sql: OwnerSql, where: string) {
  const [row] = await sql.unsafe(`select id from meetings.meetings m where ${where} and not exists (select 1 from meetings.transcripts t where t.meeting_id = m.id) limit 1`);
  return { meeting_id: row!.id };
}

describeIngestedPolicies(
  {
    schema: 'meetings',
    tables: ['meetings.meetings', 'meetings.participants', 'meetings.transcripts', 'meetings.transcript_chunks'],
    parts: ['meetings.participants', 'meetings.transcripts', 'meetings.transcript_chunks'],
    fresh: {
      'meetings.participants': async () => ({ position: 499, address: `copy-${Date.now()}@copies.test`, contact_id: null }),
      'meetings.transcripts': meetingWithoutTranscript,
      'meetings.transcript_chunks': async () => ({ position: 1999 }),
    },
  },
  ({ sql, a, user, byMember }) => {
    it('lets a founder correct the meetings of their own calendar and their parts, whoever ingested them', async () => {
      const mine = byMember(a().ws.users.owner.memberId);
      const parts = [
        `update meetings.meetings set title = 'Mine' where ${mine}`,
        `update meetings.participants set attendance = 'absent' where ${mine}`,
        `update meetings.transcripts set summary = 'Mine' where ${mine}`,
        `update meetings.transcript_chunks set speaker = 'Me' where ${mine}`,
      ];
      for (const statement of parts) expect(touched(await asCaller(sql(), user('member'), statement)), statement).toBe(false);
      await sql().unsafe(`update meetings.meetings set founder_id = ${literal(a().founders.member)} where ${mine}`);
      for (const statement of parts) {
        expect(touched(await asCaller(sql(), user('member'), statement)), statement).toBe(true);
        expect(touched(await asCaller(sql(), user('viewer'), statement)), statement).toBe(false);
      }
    });
  },
);
