import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, forbidden, notFound, parseId, parseInput, requireRole, type RequestSession, type Session } from '@chief/runtime';
import { members } from '../models/index.ts';

const role = z.enum(['owner', 'admin', 'member', 'viewer']);

const inviteMemberInput = z.object({
  userId: z.string().trim().min(1, 'must not be empty').max(255),
  role,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  email: z.email('must be an email address').nullish(),
});

/** Owners alone grant, change or remove the owner role. */
function requireOwnerFor(session: Session, ...roles: string[]) {
  if (roles.includes('owner') && session.role !== 'owner') throw forbidden('Only owners grant, change or remove the owner role');
}

async function visibleMember(session: Session, id: string) {
  const [row] = await session.db.select().from(members).where(eq(members.id, id));
  if (!row) throw notFound('Member', id);
  return row;
}

export async function inviteMember(request: RequestSession, rawInput: unknown) {
  const input = parseInput(inviteMemberInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    requireOwnerFor(session, input.role);
    const [row] = await session.db
      .insert(members)
      .values({ workspaceId: session.identity.workspaceId!, userId: input.userId, role: input.role, displayName: input.name, email: input.email ?? null })
      .returning();
    await appendEvent(session, {
      type: 'core.member.invited', entityId: row!.id, payload: { userId: input.userId, role: input.role },
      actors: [{ role: 'target', actorType: 'user', actorId: input.userId }],
    });
    return row!;
  });
}

export async function changeMemberRole(request: RequestSession, rawId: unknown, rawRole: unknown) {
  const id = parseId(rawId);
  const newRole = parseInput(role, rawRole, 'role');
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const target = await visibleMember(session, id);
    requireOwnerFor(session, target.role, newRole);
    const [row] = await session.db.update(members).set({ role: newRole }).where(eq(members.id, id)).returning();
    await appendEvent(session, {
      type: 'core.member.role_changed', entityId: id, payload: { from: target.role, to: newRole },
      actors: [{ role: 'target', actorType: 'user', actorId: target.userId }],
    });
    return row!;
  });
}

/** Removes a member (or lets a member leave); access ends with their next request. */
export async function removeMember(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    const target = await visibleMember(session, id);
    const leaving = target.userId === session.identity.userId;
    if (!leaving) requireRole(session, 'admin');
    if (!leaving) requireOwnerFor(session, target.role);
    const removed = await session.db.delete(members).where(eq(members.id, id)).returning({ id: members.id });
    if (!removed.length) throw forbidden('Your role does not allow removing this member');
    await appendEvent(session, {
      type: 'core.member.removed', entityId: id, payload: { userId: target.userId, role: target.role },
      actors: [{ role: 'target', actorType: 'user', actorId: target.userId }],
    });
    return id;
  });
}
