import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, parseInput, requireChanges, refuseClearing, requireRole, withSession, type LoaderRegistry, type RequestSession } from '@chief/runtime';
import { agentCapability, agentSettings, modelProvider, modelTask, type ModelTask } from '../models/index.ts';

export type AgentSettings = typeof agentSettings.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const model = z.string().trim().min(1, 'must not be empty').max(200);
const updateInput = z.object({
  provider: z.enum(modelProvider.enumValues).optional(),
  defaultModel: model.optional(),
  models: z
    .array(z.object({ task: z.enum(modelTask.enumValues), model }))
    .max(modelTask.enumValues.length)
    .refine((m) => new Set(m.map((x) => x.task)).size === m.length, 'names each task once')
    .optional(),
  temperature: z.number().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').optional(),
  maxInputTokens: z.number().int().min(1).max(2_000_000).optional(),
  maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
  capabilities: z.array(z.enum(agentCapability.enumValues)).max(agentCapability.enumValues.length).optional(),
});

/** The workspace's model settings (every workspace has them, made with it), one statement per request. */
export function loadAgentSettings(scope: Scope): Promise<AgentSettings> {
  return scope.loaders
    .get<'workspace', AgentSettings>('intel.agentSettings', (keys) =>
      withSession(scope, async ({ db }) => {
        const [row] = await db.select().from(agentSettings);
        if (!row) throw new Error('intel.agent_settings has no row for the workspace in scope');
        return keys.map(() => row);
      }),
    )
    .load('workspace');
}

/** The model a kind of work uses: its own, or the default. */
export const modelFor = (settings: AgentSettings, task: ModelTask) => settings.models[task] ?? settings.defaultModel;

/** Changes the workspace's model settings; admins and owners only. `models` replaces the per-task list whole. */
export async function updateAgentSettings(request: RequestSession, rawInput: unknown): Promise<AgentSettings> {
  refuseClearing(rawInput, ['provider', 'defaultModel', 'models', 'temperature', 'maxInputTokens', 'maxOutputTokens', 'capabilities']);
  const input = parseInput(updateInput, rawInput);
  const changes = requireChanges({
    ...input,
    models: input.models ? Object.fromEntries(input.models.map((m) => [m.task, m.model])) : undefined,
    capabilities: input.capabilities ? [...new Set(input.capabilities)] : undefined,
  });
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const [row] = await session.db.update(agentSettings).set(changes).where(eq(agentSettings.workspaceId, session.identity.workspaceId!)).returning();
    if (!row) throw new Error('intel.agent_settings has no row for the workspace in scope');
    await appendEvent(session, { type: 'intel.agent_settings.updated', entityId: row.id, payload: { changed: Object.keys(rawInput as object) } });
    return row;
  });
}
