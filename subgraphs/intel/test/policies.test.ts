import { randomUUID } from 'node:crypto';
import { describeIngestedPolicies } from '../../../test/support/describeIngestedPolicies.ts';

describeIngestedPolicies({
  schema: 'intel',
  tables: ['intel.briefings', 'intel.insights', 'intel.decisions', 'intel.notifications', 'intel.agent_settings'],
  adminOnly: ['intel.agent_settings'],
  fresh: {
    // One briefing per founder, kind and period; one notification per dedup key.
    'intel.briefings': async () => {
      const start = Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 300) * 86_400_000;
      return { period_start: new Date(start).toISOString(), period_end: new Date(start + 86_400_000).toISOString() };
    },
    'intel.notifications': async () => ({ dedup_key: `copy-${randomUUID()}` }),
  },
});
