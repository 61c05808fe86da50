import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  appendEvent, badUserInput, conflict, listPage, loadById, parseId, parseInput, refuseWrite, requireRole,
  type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { decisions, insights } from '../models/index.ts';
import { linksTo, refuseMissingSources } from './sourceRefs.ts';

export type Decision = typeof decisions.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const words = (max: number) => z.array(z.string().trim().min(1, 'must not be empty').max(500)).max(max);
const createDecisionInput = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(1000),
  context: z.string().max(20_000).nullish(),
  founderId: z.uuid('must be an id').nullish(),
  options: z
    .array(z.object({
      key: z.string().trim().min(1, 'must not be empty').max(100),
      label: z.string().trim().min(1, 'must not be empty').max(300),
      pros: words(20).nullish(),
      cons: words(20).nullish(),
    }))
    .min(2, 'needs at least two options')
    .max(20)
    .refine((o) => new Set(o.map((x) => x.key)).size === o.length, 'gives each option its own key'),
  insightIds: z.array(z.uuid('must be an id')).max(50).nullish(),
});
const decideInput = z.object({
  chosenOption: z.string().trim().min(1, 'must not be empty').max(100),
  rationale: z.string().trim().max(20_000).nullish(),
});

/** Puts a question with its options, resting on insights the caller can see. */
export async function createDecision(request: RequestSession, rawInput: unknown): Promise<Decision> {
  const input = parseInput(createDecisionInput, rawInput);
  const insightIds = [...new Set(input.insightIds ?? [])];
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await refuseMissingSources(session, (input.insightIds ?? []).map((id, i) => ({ ref: { type: 'insight' as const, id }, field: `input.insightIds.${i}` })));
    const [row] = await session.db
      .insert(decisions)
      .values({
        workspaceId: session.identity.workspaceId!,
        founderId: input.founderId ?? null,
        question: input.question,
        context: input.context ?? null,
        options: input.options.map((o) => ({ key: o.key, label: o.label, pros: o.pros ?? [], cons: o.cons ?? [] })),
        insightIds,
        createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'intel.decision.created', entityId: row!.id,
      payload: { question: row!.question, optionCount: row!.options.length },
      links: linksTo(insightIds.map((id) => ({ type: 'insight', id })), 'derived_from'),
    });
    return row!;
  });
}

/**
 * Records the choice, its rationale, who made it and when. A decision is made once: deciding it
 * again the same way changes nothing, another way is a CONFLICT (a new question is a new decision).
 */
export async function decide(request: RequestSession, rawId: unknown, rawInput: unknown): Promise<Decision> {
  const decisionId = parseId(rawId);
  const input = parseInput(decideInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    // Locked: two people deciding at once do not both win.
    const [current] = await session.db.select().from(decisions).where(eq(decisions.id, decisionId)).for('update');
    if (!current) return refuseWrite(session, decisions, 'Decision', decisionId);
    if (!current.options.some((o) => o.key === input.chosenOption)) {
      throw badUserInput('input.chosenOption', `input.chosenOption must be one of ${current.options.map((o) => o.key).join(', ')}`);
    }
    if (current.chosenOption !== null) {
      if (current.chosenOption === input.chosenOption && (input.rationale ?? null) === current.rationale) return current;
      throw conflict(`This decision was already made (${current.chosenOption}); record a new decision to revisit it`, { field: 'input.chosenOption' });
    }
    const [row] = await session.db
      .update(decisions)
      .set({ chosenOption: input.chosenOption, rationale: input.rationale ?? null, decidedByMemberId: session.memberId, decidedAt: new Date() })
      .where(eq(decisions.id, decisionId))
      .returning();
    if (!row) return refuseWrite(session, decisions, 'Decision', decisionId);
    await appendEvent(session, { type: 'intel.decision.made', entityId: decisionId, payload: { chosenOption: input.chosenOption } });
    return row;
  });
}

export const listDecisions = (session: Session, page: Page, decided: boolean | null | undefined) =>
  listPage(session.db, decisions, decided == null ? undefined : decided ? sql`${decisions.chosenOption} is not null` : sql`${decisions.chosenOption} is null`, page);

/** The insights a decision rests on, visible ones only, batched across the request. */
export async function insightsOf(scope: Scope, decision: Decision) {
  const rows = await Promise.all(decision.insightIds.map((id) => loadById(scope, insights, id)));
  return rows.filter((r) => r !== null);
}
