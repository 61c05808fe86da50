import { expect, it } from 'vitest';
import { literal, type OwnerSql } from '../../../test/support/databaseOwner.ts';
import { asCaller, touched } from '../../../test/support/asCaller.ts';
import { describeIngestedPolicies } from '../../../test/support/describeIngestedPolicies.ts';

/** An asset of the copied row's maker that has no transcript yet (one transcript per asset). */
async function assetWithoutTranscript(sql: OwnerSql, where: string) {
  const [row] = await sql.unsafe(`select id from media.media_assets a where ${where} and not exists (select 1 from media.media_transcripts t where t.media_id = a.id) limit 1`);
  return { media_id: row!.id };
}

describeIngestedPolicies(
  {
    schema: 'media',
    tables: ['media.media_assets', 'media.media_transcripts', 'media.media_chunks'],
    parts: ['media.media_transcripts', 'media.media_chunks'],
    fresh: {
      'media.media_transcripts': assetWithoutTranscript,
      'media.media_chunks': async () => ({ position: 1999 }),
    },
  },
  ({ sql, a, user, byMember }) => {
    it('lets a founder correct the media shared with them and their text, whoever ingested them', async () => {
      const mine = byMember(a().ws.users.owner.memberId);
      const parts = [`update media.media_assets set title = 'Mine' where ${mine}`, `update media.media_transcripts set summary = 'Mine' where ${mine}`, `update media.media_chunks set speaker = 'Me' where ${mine}`];
      for (const statement of parts) expect(touched(await asCaller(sql(), user('member'), statement)), statement).toBe(false);
      await sql().unsafe(`update media.media_assets set founder_id = ${literal(a().founders.member)} where ${mine}`);
      for (const statement of parts) expect(touched(await asCaller(sql(), user('member'), statement)), statement).toBe(true);
    });
  },
);
