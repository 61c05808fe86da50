import { and, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, containsPattern, listPage, parseId, parseInput, refuseWrite, requireChanges, requireRole, type Page, type RequestSession, type Session, rowColumns } from '@chief/runtime';
import { contacts } from '../models/index.ts';

const text = (max: number) => z.string().trim().max(max);
const contactFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  email: z.email('must be an email address').max(320).nullish(),
  phone: text(50).nullish(),
  company: text(200).nullish(),
  jobTitle: text(200).nullish(),
  tags: z.array(z.string().trim().min(1, 'tags must not be empty').max(50)).max(50).nullish(),
  notes: text(10_000).nullish(),
  // `platform:handle`, lowercased so ingestion's lookup (by the GIN index) matches whatever case a platform sends.
  handles: z
    .array(z.string().trim().regex(/^[a-z0-9_]{2,30}:\S{1,200}$/i, 'a handle is platform:handle, e.g. slack:U024BE7LH').transform((h) => h.toLowerCase()))
    .max(20)
    .nullish(),
  founderId: z.uuid('must be an id').nullish(),
};
const createContactInput = z.object(contactFields);
const updateContactInput = z.object({ ...contactFields, name: contactFields.name.optional(), isArchived: z.boolean().nullish() });

/** Maps validated input to columns; undefined means "leave as is". */
function columnsOf(input: z.infer<typeof updateContactInput>) {
  return {
    fullName: input.name,
    email: input.email,
    phone: input.phone,
    company: input.company,
    jobTitle: input.jobTitle,
    tags: input.tags === null ? [] : input.tags,
    handles: input.handles === null ? [] : input.handles,
    notes: input.notes,
    founderId: input.founderId,
    isArchived: input.isArchived === null ? false : input.isArchived,
  };
}

export async function createContact(request: RequestSession, rawInput: unknown) {
  const input = parseInput(createContactInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .insert(contacts)
      .values({ ...columnsOf(input), fullName: input.name, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .returning(rowColumns(contacts));
    await appendEvent(session, { type: 'core.contact.created', entityId: row!.id, payload: { name: row!.fullName, email: row!.email } });
    return row!;
  });
}

export async function updateContact(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const id = parseId(rawId);
  const values = requireChanges(columnsOf(parseInput(updateContactInput, rawInput)));
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.update(contacts).set(values).where(eq(contacts.id, id)).returning(rowColumns(contacts));
    if (!row) return refuseWrite(session, contacts, 'Contact', id);
    await appendEvent(session, { type: 'core.contact.updated', entityId: id, payload: { changed: Object.keys(rawInput as object) } });
    return row;
  });
}

export async function deleteContact(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(contacts).where(eq(contacts.id, id)).returning({ id: contacts.id, fullName: contacts.fullName });
    if (!row) return refuseWrite(session, contacts, 'Contact', id);
    await appendEvent(session, { type: 'core.contact.deleted', entityId: id, payload: { name: row.fullName } });
    return id;
  });
}

const contactFilter = z
  .object({
    tag: z.string().trim().min(1).max(50).nullish(),
    company: z.string().trim().min(1).max(200).nullish(),
    text: z.string().trim().min(1).max(200).nullish(),
    includeArchived: z.boolean().nullish(),
  })
  .nullish();

export async function listContacts(session: Session, page: Page, rawFilter: unknown) {
  const filter = parseInput(contactFilter, rawFilter, 'filter') ?? {};
  const where: (SQL | undefined)[] = [
    filter.includeArchived ? undefined : eq(contacts.isArchived, false),
    filter.tag ? sql`${contacts.tags} @> array[${filter.tag}]::text[]` : undefined,
    filter.company ? sql`lower(${contacts.company}) = lower(${filter.company})` : undefined,
  ];
  if (filter.text) {
    const pattern = containsPattern(filter.text);
    where.push(or(ilike(contacts.fullName, pattern), ilike(contacts.email, pattern), ilike(contacts.company, pattern)));
  }
  return listPage(session.db, contacts, and(...where), page);
}
