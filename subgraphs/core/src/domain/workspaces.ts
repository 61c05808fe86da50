import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { anyUuid, appendEvent, forbidden, parseInput, requireChanges, requireRole, type RequestSession, type Session } from '@chief/runtime';
import { members, workspaces } from '../models/index.ts';

const createWorkspaceInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  slug: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes').nullish(),
  ownerName: z.string().trim().min(1, 'must not be empty').max(200),
  ownerEmail: z.email('must be an email address').nullish(),
});

const slugOf = (name: string) =>
  name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'workspace';

/**
 * Creates a workspace and enrols the caller as its owner, under the caller's own row-level
 * security (the members policy lets a workspace's creator enrol while it has no member).
 */
export async function createWorkspace(request: RequestSession, rawInput: unknown, options: { id?: string } = {}) {
  const input = parseInput(createWorkspaceInput, rawInput);
  return request.mutate(async (session) => {
    const userId = session.identity.userId;
    if (session.identity.kind !== 'user' || !userId) throw forbidden('Only people create workspaces');
    if (!session.identity.scopes.includes('write')) throw forbidden('This credential is read-only');
    const id = options.id ?? crypto.randomUUID();
    const slug = input.slug ?? `${slugOf(input.name)}-${id.slice(0, 6)}`;
    // No RETURNING: the caller cannot see the workspace until they are its member.
    await session.db.insert(workspaces).values({ id, name: input.name, slug, createdByUserId: userId });
    await session.db.insert(members).values({ workspaceId: id, userId, role: 'owner', displayName: input.ownerName, email: input.ownerEmail ?? null });
    return request.inWorkspace(session, id, async (inside) => {
      await appendEvent(inside, { type: 'core.workspace.created', entityId: id, payload: { name: input.name, slug } });
      const [row] = await inside.db.select().from(workspaces).where(eq(workspaces.id, id));
      return row!;
    });
  });
}

const updateWorkspaceInput = z.object({ name: z.string().trim().min(1, 'must not be empty').max(200).optional() });

export async function updateWorkspace(request: RequestSession, rawInput: unknown) {
  const input = requireChanges(parseInput(updateWorkspaceInput, rawInput));
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const [row] = await session.db
      .update(workspaces)
      .set({ name: input.name, updatedAt: sql`now()` })
      .where(eq(workspaces.id, sql`auth.workspace_id()`))
      .returning();
    await appendEvent(session, { type: 'core.workspace.updated', entityId: row!.id, payload: input });
    return row!;
  });
}

/** The workspace in scope, or null when the request names none. */
export async function currentWorkspace(session: Session) {
  if (!session.identity.workspaceId) return null;
  const [row] = await session.db.select().from(workspaces).where(eq(workspaces.id, session.identity.workspaceId));
  return row ?? null;
}

/** The most Viewer.workspaces lists: the bound its @listSize(assumedSize: 100) declares to the cost measure. */
export const MAX_LISTED_WORKSPACES = 100;

/**
 * The workspaces the caller belongs to, with their role in each: the oldest MAX_LISTED_WORKSPACES,
 * so workspaces made later (anyone may invite anyone; there is no acceptance step) cannot push the
 * caller's existing ones out of the list. core.members shows only the workspace in scope, so the
 * role comes from auth.user_role_in, which answers about the caller alone.
 */
export async function myWorkspaces(session: Session) {
  const rows = await session.db
    .select({ workspace: workspaces, role: sql<string>`auth.user_role_in(${workspaces.id})` })
    .from(workspaces)
    .where(sql`${workspaces.id} in (select auth.user_workspaces())`)
    .orderBy(workspaces.createdAt, workspaces.id)
    .limit(MAX_LISTED_WORKSPACES);
  return rows.map((r) => ({ ...r.workspace, myRole: r.role }));
}

/** Roles of the caller in the given workspaces (batched for Workspace.myRole). */
export async function rolesIn(session: Session, workspaceIds: readonly string[]) {
  return session.db
    .select({ workspaceId: workspaces.id, role: sql<string | null>`auth.user_role_in(${workspaces.id})` })
    .from(workspaces)
    .where(anyUuid(workspaces.id, workspaceIds));
}
