import { runOperation, type Identity } from '@chief/runtime';
import type { SqlClient } from '@chief/db';
import { createContact, createDeal, createFounder, createWorkspace, inviteMember } from '@chief/subgraph-core';
import { createTask } from '@chief/subgraph-work';

/** Fixed ids, so development tokens can name the demo workspace without a lookup. */
export const DEMO_WORKSPACE_ID = '00000000-0000-4000-8000-00000000c41e';
export const demoUserId = (role: string) => `demo|${role}`;
export const DEMO_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

const owner: Identity = { kind: 'user', userId: demoUserId('owner'), workspaceId: DEMO_WORKSPACE_ID, scopes: ['read', 'write'] };

/**
 * Loads the demo workspace on first start, through the same domain functions (and so the same
 * row-level security and events) as the API. Returns false when it is already there.
 */
export async function loadDemoData(sql: SqlClient): Promise<boolean> {
  const [exists] = await sql.unsafe(`select 1 from core.workspaces where id = '${DEMO_WORKSPACE_ID}'`);
  if (exists) return false;
  await runOperation(sql, { ...owner, workspaceId: null }, (r) =>
    createWorkspace(r, { name: 'Acme Robotics', slug: 'acme-robotics', ownerName: 'Olivia Owner', ownerEmail: 'olivia@acme.test' }, { id: DEMO_WORKSPACE_ID }),
  );
  return runOperation(sql, owner, async (r) => {
    const people = { admin: 'Adam Admin', member: 'Mia Member', viewer: 'Victor Viewer' } as const;
    const memberIds: Record<string, string> = {};
    for (const [role, name] of Object.entries(people)) {
      const m = await inviteMember(r, { userId: demoUserId(role), role, name, email: `${role}@acme.test` });
      memberIds[role] = m.id;
    }
    const founder = await createFounder(r, { name: 'Ada Lovelace', email: 'ada@acme.test', title: 'CEO', timezone: 'Europe/London' });
    const contactSeeds = [
      { name: 'Grace Hopper', email: 'grace@navy.test', company: 'Compilers Capital', jobTitle: 'Partner', tags: ['investor', 'seed'] },
      { name: 'Alan Turing', email: 'alan@bletchley.test', company: 'Bletchley Labs', jobTitle: 'CTO', tags: ['customer'] },
      { name: 'Katherine Johnson', email: 'kj@orbit.test', company: 'Orbit Analytics', jobTitle: 'Head of Data', tags: ['customer', 'pilot'] },
      { name: 'Linus Pauling', email: 'linus@vitamin.test', company: 'Vitamin Ventures', jobTitle: 'Principal', tags: ['investor'] },
      { name: 'Hedy Lamarr', email: 'hedy@spread.test', company: 'Spread Spectrum', jobTitle: 'CEO', tags: ['partner'] },
    ];
    const contacts = [];
    for (const c of contactSeeds) contacts.push(await createContact(r, { ...c, founderId: founder.id }));
    const deals = [
      await createDeal(r, { title: 'Seed round: Compilers Capital', stage: 'negotiation', probability: 60, value: { amount: '1500000.00', currency: 'USD' }, contactId: contacts[0]!.id, founderId: founder.id }),
      await createDeal(r, { title: 'Bletchley Labs annual licence', stage: 'proposal', probability: 40, value: { amount: '48000.00', currency: 'EUR' }, contactId: contacts[1]!.id, founderId: founder.id }),
      await createDeal(r, { title: 'Orbit Analytics pilot', stage: 'qualified', probability: 25, value: { amount: '12000.00', currency: 'USD' }, contactId: contacts[2]!.id, founderId: founder.id }),
    ];
    const day = 86_400_000;
    const taskSeeds = [
      { title: 'Send term sheet comments to Grace', priority: 'urgent', dueAt: new Date(Date.now() + day), contactId: contacts[0]!.id, dealId: deals[0]!.id, assigneeId: memberIds.admin },
      { title: 'Prepare licence proposal for Bletchley', priority: 'high', dueAt: new Date(Date.now() + 3 * day), contactId: contacts[1]!.id, dealId: deals[1]!.id, assigneeId: memberIds.member },
      { title: 'Book pilot kickoff with Orbit', priority: 'medium', dueAt: new Date(Date.now() + 5 * day), contactId: contacts[2]!.id, dealId: deals[2]!.id, assigneeId: memberIds.member },
      { title: 'Update investor CRM notes', priority: 'low', contactId: contacts[3]!.id, assigneeId: memberIds.member, status: 'in_progress' },
      { title: 'Intro Hedy to the hardware team', priority: 'medium', contactId: contacts[4]!.id, status: 'blocked' },
      { title: 'Draft monthly investor update', priority: 'high', dueAt: new Date(Date.now() + 2 * day), assigneeId: memberIds.admin },
      { title: 'Review Q3 burn with finance', priority: 'medium', status: 'done', completedAt: new Date(Date.now() - day) },
    ];
    for (const t of taskSeeds) await createTask(r, { ...t, founderId: founder.id });
    return true;
  });
}
