import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateScalar, DateTimeScalar, JSONObjectScalar, entityChanges, enumValues, forbidden, listPage, loadById, notFound, parseFirst, parseId, parsePage, withSession,
  type ApiKeySigner, type PageArgs, type SecretBox, type SubgraphContext,
} from '@chief/runtime';
import {
  apiKeys, contactInterests, contactRelationships, contacts, dealStage, deals, founders, integrationPlatform, integrationStatus, integrations, interestSource, members,
  relationshipType, roleType, syncJobStatus, syncJobType, syncJobs, workspaces,
} from './models/index.ts';
import { createWorkspace, currentWorkspace, myWorkspaces, rolesIn, updateWorkspace } from './domain/workspaces.ts';
import { changeMemberRole, inviteMember, removeMember } from './domain/members.ts';
import { createFounder, updateFounder } from './domain/founders.ts';
import { createContact, deleteContact, listContacts, updateContact } from './domain/contacts.ts';
import { createDeal, deleteDeal, listDeals, updateDeal } from './domain/deals.ts';
import { connectIntegration, disconnectIntegration } from './domain/integrations.ts';
import { createApiKey, revokeApiKey } from './domain/apiKeys.ts';
import {
  GOING_COLD_BELOW, decayedStrength, interestsOf, listGoingCold, recordContactInterest, relateContacts, relationshipsOf, removeContactInterest, unrelateContacts,
} from './domain/contactGraph.ts';
import { finishSyncJob, listSyncJobs, loadFollowedJob, startSyncJob, updateSyncJob } from './domain/syncJobs.ts';

type Ctx = SubgraphContext;
type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];
type Args = Record<string, unknown>;

/** A single entity by id for a query field: bad ids are BAD_USER_INPUT, unseen ones NOT_FOUND. */
async function one<T>(promise: Promise<T | null>, type: string, id: string): Promise<T> {
  const row = await promise;
  if (!row) throw notFound(type, id);
  return row;
}

const page = (ctx: Ctx, args: PageArgs) => parsePage(args, ctx.config.maxPageSize);

/** A short list's `first`: 0..100, 20 when left out. */
const firstOf = (args: Args) => parseFirst(args.first as number | null | undefined, 100);

export function createCoreResolvers({ secretBox, apiKeySigner }: { secretBox: SecretBox; apiKeySigner: ApiKeySigner }): GraphQLResolverMap<Ctx> {
  return {
    DateTime: DateTimeScalar,
    Date: DateScalar,
    JSONObject: JSONObjectScalar,
    Role: enumValues(roleType.enumValues.filter((r) => r !== 'service')),
    DealStage: enumValues(dealStage.enumValues),
    IntegrationPlatform: enumValues(integrationPlatform.enumValues),
    IntegrationStatus: enumValues(integrationStatus.enumValues),
    ApiKeyScope: enumValues(['read', 'write']),
    RelationshipType: enumValues(relationshipType.enumValues),
    InterestSource: enumValues(interestSource.enumValues),
    SyncJobType: enumValues(syncJobType.enumValues),
    SyncJobStatus: enumValues(syncJobStatus.enumValues),
    SyncJobEnd: enumValues(['completed', 'failed', 'cancelled']),

    Subscription: {
      contactChanged: entityChanges({ entity: 'contact', field: 'contact', load: (ctx, id) => loadById(ctx, contacts, id) }),
      dealChanged: entityChanges({ entity: 'deal', field: 'deal', load: (ctx, id) => loadById(ctx, deals, id) }),
      memberChanged: entityChanges({ entity: 'member', field: 'member', load: (ctx, id) => loadById(ctx, members, id) }),
      syncJobChanged: entityChanges<{ after?: string | null; id?: string | null }>({
        entity: 'sync_job',
        field: 'syncJob',
        load: (ctx, id, args) => loadFollowedJob(ctx, id, args.id == null ? null : parseId(args.id)),
      }),
    },

    Query: {
      viewer: (_: unknown, __: Args, ctx: Ctx) => {
        if (ctx.identity.kind !== 'user') throw forbidden('Only people have a viewer');
        return { userId: ctx.identity.userId };
      },
      workspace: (_: unknown, __: Args, ctx: Ctx) => withSession(ctx, currentWorkspace),
      member: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, members, parseId(args.id)), 'Member', String(args.id)),
      members: (_: unknown, args: PageArgs, ctx: Ctx) => withSession(ctx, ({ db }) => listPage(db, members, undefined, page(ctx, args))),
      founder: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, founders, parseId(args.id)), 'Founder', String(args.id)),
      founders: (_: unknown, args: PageArgs, ctx: Ctx) => withSession(ctx, ({ db }) => listPage(db, founders, undefined, page(ctx, args))),
      contact: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, contacts, parseId(args.id)), 'Contact', String(args.id)),
      contacts: (_: unknown, args: PageArgs & { filter?: unknown }, ctx: Ctx) => {
        const p = page(ctx, args);
        return withSession(ctx, (session) => listContacts(session, p, args.filter));
      },
      goingCold: (_: unknown, args: PageArgs & { below?: number | null }, ctx: Ctx) => {
        const p = page(ctx, args);
        return withSession(ctx, (session) => listGoingCold(session, p, args.below ?? GOING_COLD_BELOW));
      },
      syncJob: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, syncJobs, parseId(args.id)), 'SyncJob', String(args.id)),
      syncJobs: (_: unknown, args: PageArgs & { filter?: unknown }, ctx: Ctx) => {
        const p = page(ctx, args);
        return withSession(ctx, (session) => listSyncJobs(session, p, args.filter));
      },
      deal: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, deals, parseId(args.id)), 'Deal', String(args.id)),
      deals: (_: unknown, args: PageArgs & { filter?: unknown }, ctx: Ctx) => {
        const p = page(ctx, args);
        return withSession(ctx, (session) => listDeals(session, p, args.filter));
      },
      integration: (_: unknown, args: Args, ctx: Ctx) => one(loadById(ctx, integrations, parseId(args.id)), 'Integration', String(args.id)),
      integrations: (_: unknown, args: PageArgs, ctx: Ctx) => withSession(ctx, ({ db }) => listPage(db, integrations, undefined, page(ctx, args))),
      apiKeys: (_: unknown, args: PageArgs, ctx: Ctx) => {
        const p = page(ctx, args);
        return withSession(ctx, (session) => {
          if (session.role !== 'owner' && session.role !== 'admin') throw forbidden('API keys are for admins and owners');
          return listPage(session.db, apiKeys, undefined, p);
        });
      },
    },

    Mutation: {
      createWorkspace: (_: unknown, args: Args, ctx: Ctx) => createWorkspace(ctx.session, args.input),
      updateWorkspace: (_: unknown, args: Args, ctx: Ctx) => updateWorkspace(ctx.session, args.input),
      inviteMember: (_: unknown, args: Args, ctx: Ctx) => inviteMember(ctx.session, args.input),
      changeMemberRole: (_: unknown, args: Args, ctx: Ctx) => changeMemberRole(ctx.session, args.id, args.role),
      removeMember: (_: unknown, args: Args, ctx: Ctx) => removeMember(ctx.session, args.id),
      createFounder: (_: unknown, args: Args, ctx: Ctx) => createFounder(ctx.session, args.input),
      updateFounder: (_: unknown, args: Args, ctx: Ctx) => updateFounder(ctx.session, args.id, args.input),
      createContact: (_: unknown, args: Args, ctx: Ctx) => createContact(ctx.session, args.input),
      updateContact: (_: unknown, args: Args, ctx: Ctx) => updateContact(ctx.session, args.id, args.input),
      deleteContact: (_: unknown, args: Args, ctx: Ctx) => deleteContact(ctx.session, args.id),
      createDeal: (_: unknown, args: Args, ctx: Ctx) => createDeal(ctx.session, args.input),
      updateDeal: (_: unknown, args: Args, ctx: Ctx) => updateDeal(ctx.session, args.id, args.input),
      deleteDeal: (_: unknown, args: Args, ctx: Ctx) => deleteDeal(ctx.session, args.id),
      connectIntegration: (_: unknown, args: Args, ctx: Ctx) => connectIntegration(ctx.session, secretBox, args.input),
      disconnectIntegration: (_: unknown, args: Args, ctx: Ctx) => disconnectIntegration(ctx.session, args.id),
      createApiKey: (_: unknown, args: Args, ctx: Ctx) => createApiKey(ctx.session, apiKeySigner, args.input),
      revokeApiKey: (_: unknown, args: Args, ctx: Ctx) => revokeApiKey(ctx.session, args.id),
      relateContacts: (_: unknown, args: Args, ctx: Ctx) => relateContacts(ctx.session, args.input),
      unrelateContacts: (_: unknown, args: Args, ctx: Ctx) => unrelateContacts(ctx.session, args.id),
      recordContactInterest: (_: unknown, args: Args, ctx: Ctx) => recordContactInterest(ctx.session, args.input),
      removeContactInterest: (_: unknown, args: Args, ctx: Ctx) => removeContactInterest(ctx.session, args.id),
      startSyncJob: (_: unknown, args: Args, ctx: Ctx) => startSyncJob(ctx.session, args.input),
      updateSyncJob: (_: unknown, args: Args, ctx: Ctx) => updateSyncJob(ctx.session, args.id, args.input),
      finishSyncJob: (_: unknown, args: Args, ctx: Ctx) => finishSyncJob(ctx.session, args.id, args.input),
    },

    Viewer: {
      workspaces: (_: unknown, __: Args, ctx: Ctx) => withSession(ctx, myWorkspaces),
      member: (_: unknown, __: Args, ctx: Ctx) => withSession(ctx, async ({ memberId }) => (memberId ? loadById(ctx, members, memberId) : null)),
    },

    Workspace: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, workspaces, ref.id),
      myRole: async (workspace: Row<typeof workspaces> & { myRole?: string }, _: Args, ctx: Ctx) => {
        if (workspace.myRole) return workspace.myRole;
        const loader = ctx.loaders.get<string, string | null>('core.workspaces:myRole', async (ids) => {
          const rows = await withSession(ctx, (session) => rolesIn(session, ids));
          const byId = new Map(rows.map((r) => [r.workspaceId, r.role]));
          return ids.map((id) => byId.get(id) ?? null);
        });
        return loader.load(workspace.id);
      },
    },

    Member: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, members, ref.id),
      name: (m: Row<typeof members>) => m.displayName,
    },

    Founder: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, founders, ref.id),
      name: (f: Row<typeof founders>) => f.displayName,
    },

    Contact: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, contacts, ref.id),
      name: (c: Row<typeof contacts>) => c.fullName,
      relationshipStrength: (c: Row<typeof contacts>) => decayedStrength(Number(c.relationshipStrength), c.lastInteractionAt),
      strengthAtLastInteraction: (c: Row<typeof contacts>) => Number(c.relationshipStrength),
      founder: (c: Row<typeof contacts>, _: Args, ctx: Ctx) => (c.founderId ? loadById(ctx, founders, c.founderId) : null),
      // Each relationship remembers whose list it is in, for otherContact.
      relationships: async (c: Row<typeof contacts>, args: Args, ctx: Ctx) =>
        (await relationshipsOf(ctx, c.id, firstOf(args))).map((r) => ({ ...r, seenFrom: c.id })),
      interests: (c: Row<typeof contacts>, args: Args, ctx: Ctx) => interestsOf(ctx, c.id, firstOf(args)),
    },

    ContactRelationship: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, contactRelationships, ref.id),
      strength: (r: Row<typeof contactRelationships>) => Number(r.strength),
      contacts: async (r: Row<typeof contactRelationships>, _: Args, ctx: Ctx) =>
        (await Promise.all([r.contactAId, r.contactBId].map((id) => loadById(ctx, contacts, id)))).filter((c) => c !== null),
      otherContact: (r: Row<typeof contactRelationships> & { seenFrom?: string }, _: Args, ctx: Ctx) =>
        loadById(ctx, contacts, r.seenFrom === r.contactAId ? r.contactBId : r.seenFrom === r.contactBId ? r.contactAId : r.contactBId),
    },

    ContactInterest: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, contactInterests, ref.id),
      contact: (i: Row<typeof contactInterests>, _: Args, ctx: Ctx) => loadById(ctx, contacts, i.contactId),
      confidence: (i: Row<typeof contactInterests>) => Number(i.confidence),
    },

    SyncJob: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, syncJobs, ref.id),
      integration: (j: Row<typeof syncJobs>, _: Args, ctx: Ctx) => loadById(ctx, integrations, j.integrationId),
      progressPercent: (j: Row<typeof syncJobs>) => (j.itemsTotal ? Math.min(100, Math.round((j.itemsSeen / j.itemsTotal) * 1000) / 10) : null),
    },

    Deal: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, deals, ref.id),
      value: (d: Row<typeof deals>) => (d.valueAmount && d.valueCurrency ? { amount: d.valueAmount, currency: d.valueCurrency } : null),
      contact: (d: Row<typeof deals>, _: Args, ctx: Ctx) => (d.contactId ? loadById(ctx, contacts, d.contactId) : null),
      founder: (d: Row<typeof deals>, _: Args, ctx: Ctx) => (d.founderId ? loadById(ctx, founders, d.founderId) : null),
    },

    Integration: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, integrations, ref.id),
      hasCredentials: (i: Row<typeof integrations>) => i.credentialsEnc !== null,
      founder: (i: Row<typeof integrations>, _: Args, ctx: Ctx) => (i.founderId ? loadById(ctx, founders, i.founderId) : null),
    },

    ApiKey: {
      __resolveReference: (ref: { id: string }, ctx: Ctx) => loadById(ctx, apiKeys, ref.id),
    },
  } as GraphQLResolverMap<Ctx>;
}
