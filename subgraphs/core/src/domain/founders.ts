import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, parseId, parseInput, refuseClearing, refuseWrite, requireChanges, requireRole, type RequestSession } from '@chief/runtime';
import { founders } from '../models/index.ts';

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');

const founderFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  email: z.email('must be an email address'),
  title: z.string().trim().max(200).nullish(),
  timezone: timezone.nullish(),
};
const createFounderInput = z.object({ ...founderFields, userId: z.string().trim().min(1).max(255).nullish() });
const updateFounderInput = z.object({ name: founderFields.name.optional(), email: founderFields.email.optional(), title: founderFields.title, timezone: founderFields.timezone });

export async function createFounder(request: RequestSession, rawInput: unknown) {
  const input = parseInput(createFounderInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const [row] = await session.db
      .insert(founders)
      .values({
        workspaceId: session.identity.workspaceId!,
        displayName: input.name,
        email: input.email,
        title: input.title ?? null,
        timezone: input.timezone ?? 'UTC',
        userId: input.userId ?? null,
      })
      .returning();
    await appendEvent(session, { type: 'core.founder.created', entityId: row!.id, payload: { name: row!.displayName } });
    return row!;
  });
}

export async function updateFounder(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const id = parseId(rawId);
  refuseClearing(rawInput, ['timezone']);
  const input = parseInput(updateFounderInput, rawInput);
  const values = requireChanges({ displayName: input.name, email: input.email, title: input.title, timezone: input.timezone ?? undefined });
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.update(founders).set(values).where(eq(founders.id, id)).returning();
    if (!row) return refuseWrite(session, founders, 'Founder', id);
    await appendEvent(session, { type: 'core.founder.updated', entityId: id, payload: { changed: Object.keys(rawInput as object) } });
    return row;
  });
}
