import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, listPage, parseId, parseInput, refuseClearing, refuseWrite, requireChanges, requireRole, type Page, type RequestSession, type Session } from '@chief/runtime';
import { dealStage, deals } from '../models/index.ts';

const money = z.object({
  amount: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a decimal amount with at most 2 decimals, e.g. "125000.00"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
});
const dealFields = {
  title: z.string().trim().min(1, 'must not be empty').max(300),
  stage: z.enum(dealStage.enumValues).nullish(),
  probability: z.number().int().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').nullish(),
  value: money.nullish(),
  expectedCloseDate: z.string().nullish(),
  contactId: z.uuid('must be an id').nullish(),
  founderId: z.uuid('must be an id').nullish(),
};
const createDealInput = z.object(dealFields);
const updateDealInput = z.object({ ...dealFields, title: dealFields.title.optional() });

function columnsOf(input: z.infer<typeof updateDealInput>) {
  const closed = input.stage === 'closed_won' || input.stage === 'closed_lost';
  return {
    title: input.title,
    stage: input.stage ?? undefined,
    probability: input.probability ?? undefined,
    // value: omitted stays, null clears both parts.
    ...(input.value !== undefined ? { valueAmount: input.value?.amount ?? null, valueCurrency: input.value?.currency ?? null } : {}),
    expectedCloseDate: input.expectedCloseDate,
    contactId: input.contactId,
    founderId: input.founderId,
    ...(input.stage ? { closedAt: closed ? new Date() : null } : {}),
  };
}

export async function createDeal(request: RequestSession, rawInput: unknown) {
  const input = parseInput(createDealInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .insert(deals)
      .values({ ...columnsOf(input), title: input.title, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .returning();
    await appendEvent(session, { type: 'core.deal.created', entityId: row!.id, payload: { title: row!.title, stage: row!.stage } });
    return row!;
  });
}

export async function updateDeal(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const id = parseId(rawId);
  refuseClearing(rawInput, ['stage', 'probability']);
  const values = requireChanges(columnsOf(parseInput(updateDealInput, rawInput)));
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.update(deals).set(values).where(eq(deals.id, id)).returning();
    if (!row) return refuseWrite(session, deals, 'Deal', id);
    await appendEvent(session, { type: 'core.deal.updated', entityId: id, payload: { changed: Object.keys(rawInput as object), stage: row.stage } });
    return row;
  });
}

export async function deleteDeal(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(deals).where(eq(deals.id, id)).returning({ id: deals.id, title: deals.title });
    if (!row) return refuseWrite(session, deals, 'Deal', id);
    await appendEvent(session, { type: 'core.deal.deleted', entityId: id, payload: { title: row.title } });
    return id;
  });
}

const dealFilter = z
  .object({ stages: z.array(z.enum(dealStage.enumValues)).nullish(), contactId: z.uuid('must be an id').nullish() })
  .nullish();

export async function listDeals(session: Session, page: Page, rawFilter: unknown) {
  const filter = parseInput(dealFilter, rawFilter, 'filter') ?? {};
  const where: (SQL | undefined)[] = [
    filter.stages?.length ? inArray(deals.stage, filter.stages) : undefined,
    filter.contactId ? eq(deals.contactId, filter.contactId) : undefined,
  ];
  return listPage(session.db, deals, and(...where), page);
}
