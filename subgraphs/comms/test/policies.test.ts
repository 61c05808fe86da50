import { expect, it } from 'vitest';
import { literal } from '../../../test/support/databaseOwner.ts';
import { asCaller, touched } from '../../../test/support/asCaller.ts';
import { describeIngestedPolicies } from '../../../test/support/describeIngestedPolicies.ts';

describeIngestedPolicies({ schema: 'comms', tables: ['comms.threads', 'comms.communications'] }, ({ sql, a, user, byMember }) => {
  it('lets a founder flag the communications of their own inbox, whoever ingested them', async () => {
    const mine = byMember(a().ws.users.owner.memberId);
    const flag = `update comms.communications set read_at = now() where ${mine}`;
    expect(touched(await asCaller(sql(), user('member'), flag))).toBe(false);
    await sql().unsafe(`update comms.communications set founder_id = ${literal(a().founders.member)} where ${mine}`);
    expect(touched(await asCaller(sql(), user('member'), flag))).toBe(true);
    expect(touched(await asCaller(sql(), user('viewer'), flag))).toBe(false);
  });
});
