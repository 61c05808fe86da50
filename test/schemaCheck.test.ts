import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkSchema, formatReport, type AcceptedChange, type ClientOperation } from '../scripts/checkSchema.ts';
import { composeSubgraphs, currentSubgraphs, registryFiles, type SubgraphSource } from '../scripts/schemaRegistry.ts';

const run = promisify(execFile);
const current = await currentSubgraphs();
const currentApi = readFileSync('schema/api.graphql', 'utf8');

/** The subgraphs with one SDL edited, as a developer's change would. */
function edit(name: string, change: (sdl: string) => string): SubgraphSource[] {
  return current.map((s) => {
    if (s.name !== name) return s;
    const sdl = change(s.sdl);
    if (sdl === s.sdl) throw new Error('the edit changed nothing');
    return { ...s, sdl };
  });
}

/** The check of a change whose registry files were regenerated (so only the change itself is judged). */
async function check(subgraphs: SubgraphSource[], options: { accepted?: AcceptedChange[]; operations?: ClientOperation[]; committed?: Record<string, string> } = {}) {
  const composition = composeSubgraphs(subgraphs);
  const committed = options.committed ?? (composition.ok ? registryFiles(subgraphs, composition) : {});
  const report = await checkSchema({
    subgraphs,
    committed,
    base: { label: 'main', apiSdl: currentApi },
    accepted: options.accepted ?? [],
    operations: options.operations ?? [],
  });
  return { report, text: formatReport(report) };
}

const removeWorkspaceSlug = (sdl: string) => sdl.replace(/\n\s*"URL-safe unique name\."\n\s*slug: String!/, '');
const slugQuery: ClientOperation = { source: 'clients/operations/workspaceSwitcher.graphql', document: 'query Switcher { workspace { id slug } }' };

describe('npm run schema:check', () => {
  it('passes for the committed schema and the client operations', async () => {
    const { stdout } = await run('npx', ['tsx', 'scripts/schemaCheck.ts', '--base', 'schema/api.graphql']);
    expect(stdout).toMatch(/schema check passed/);
  });

  it('exits non-zero on a breaking change against the base it is given, listing it', async () => {
    // A base that had one more field is a change that removed it.
    const dir = mkdtempSync(join(tmpdir(), 'chief-schema-'));
    const base = join(dir, 'api.graphql');
    writeFileSync(base, currentApi.replace(/^type Workspace \{$/m, 'type Workspace {\n  "Gone."\n  legacyCode: String'));
    try {
      const failed = await run('npx', ['tsx', 'scripts/schemaCheck.ts', '--base', base]).then(() => null, (error: { code: number; stdout: string }) => error);
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toMatch(/Workspace\.legacyCode: Field 'legacyCode' was removed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run without the base it was asked for, rather than skipping the diff', async () => {
    for (const args of [['--base-ref', 'no-such-ref'], ['--base', 'no/such/file.graphql']]) {
      const failed = await run('npx', ['tsx', 'scripts/schemaCheck.ts', ...args]).then(() => null, (error: { code: number; stderr: string }) => error);
      expect(failed?.code, args.join(' ')).toBe(2);
      expect(failed?.stderr).toMatch(new RegExp(`schema check failed: ${args[0]} ${args[1]}`));
    }
  });

  it('passes an additive change and lists it as safe', async () => {
    const subgraphs = edit('work', (sdl) => sdl.replace(/(type Task @key\(fields: "id"\) \{)/, '$1\n  "Minutes the task is expected to take."\n  estimateMinutes: Int'));
    const { report, text } = await check(subgraphs);
    expect(report.ok, text).toBe(true);
    expect(report.changes).toContainEqual(expect.objectContaining({ level: 'safe', type: 'FIELD_ADDED', path: 'Task.estimateMinutes' }));
  });

  it('fails on a removed field, naming it', async () => {
    const { report, text } = await check(edit('core', removeWorkspaceSlug));
    expect(report.ok).toBe(false);
    expect(report.changes).toContainEqual(expect.objectContaining({ level: 'breaking', type: 'FIELD_REMOVED', path: 'Workspace.slug' }));
    expect(text).toMatch(/Breaking changes against main[\s\S]*Workspace\.slug: Field 'slug' was removed from object type 'Workspace'/);
  });

  it('passes a breaking change a reviewer accepted, and says so', async () => {
    const accepted = [{ type: 'FIELD_REMOVED', path: 'Workspace.slug', reason: 'Slugs move to workspace settings; no client reads them.', reviewedBy: 'api-review' }];
    const { report, text } = await check(edit('core', removeWorkspaceSlug), { accepted });
    expect(report.ok, text).toBe(true);
    expect(text).toMatch(/Accepted breaking changes:\n {2}- Workspace\.slug: .*\(accepted: Slugs move/);
  });

  it('fails on a new required argument', async () => {
    const { report, text } = await check(edit('work', (sdl) => sdl.replace(/("Id of the task\."\n\s*id: ID!)(\n\s*\): Task)/, '$1\n    "Why you ask."\n    reason: String!$2')));
    expect(report.ok).toBe(false);
    expect(report.changes).toContainEqual(expect.objectContaining({ level: 'breaking', type: 'FIELD_ARGUMENT_ADDED', path: 'Query.task.reason' }));
    expect(text).toMatch(/Query\.task\.reason/);
  });

  it('fails on a removed enum value and on a nullable input made required', async () => {
    const { report } = await check(edit('core', (sdl) => sdl.replace(/\n\s*"Lost\."\n\s*CLOSED_LOST/, '').replace(/(input ContactFilter \{[\s\S]*?company: String)\n/, '$1!\n')));
    const breaking = report.changes.filter((c) => c.level === 'breaking').map((c) => `${c.type} ${c.path}`);
    expect(breaking).toContain('ENUM_VALUE_REMOVED DealStage.CLOSED_LOST');
    expect(breaking).toContain('INPUT_FIELD_TYPE_CHANGED ContactFilter.company');
    expect(report.ok).toBe(false);
  });

  it('fails when a client operation stops validating, naming the operation', async () => {
    const accepted = [{ type: 'FIELD_REMOVED', path: 'Workspace.slug', reason: 'Slugs move to workspace settings.', reviewedBy: 'api-review' }];
    const { report, text } = await check(edit('core', removeWorkspaceSlug), { accepted, operations: [slugQuery] });
    expect(report.ok).toBe(false);
    expect(report.invalidOperations).toEqual([{ source: slugQuery.source, errors: ['Cannot query field "slug" on type "Workspace".'] }]);
    expect(text).toMatch(/Client operations that no longer validate:\n {2}- clients\/operations\/workspaceSwitcher\.graphql: Cannot query field "slug"/);
  });

  it('fails when the subgraphs do not compose, with the composition errors', async () => {
    // work disagrees with core on a shared type's field.
    const { report, text } = await check(edit('work', (sdl) => sdl.replace(/(type PageInfo @shareable \{[\s\S]*?)hasNextPage: Boolean!/, '$1hasNextPage: String!')));
    expect(report.ok).toBe(false);
    expect(report.compositionErrors.join('\n')).toMatch(/PageInfo\.hasNextPage/);
    expect(text).toMatch(/The subgraphs do not compose:[\s\S]*PageInfo\.hasNextPage/);
  });

  it('fails when the committed registry files are stale', async () => {
    const stale = Object.fromEntries(Object.entries(registryFiles(current, composeSubgraphs(current) as Extract<ReturnType<typeof composeSubgraphs>, { ok: true }>)));
    const subgraphs = edit('work', (sdl) => sdl.replace(/(type Task @key\(fields: "id"\) \{)/, '$1\n  "Minutes the task is expected to take."\n  estimateMinutes: Int'));
    const { report, text } = await check(subgraphs, { committed: { ...stale, 'schema/subgraphs/legacy.graphql': 'type Query { x: Int }' } });
    expect(report.ok).toBe(false);
    expect(report.staleFiles.sort()).toEqual(['schema/api.graphql', 'schema/subgraphs/legacy.graphql', 'schema/subgraphs/work.graphql', 'schema/supergraph.graphql']);
    expect(text).toMatch(/npm run schema:publish/);
  });

  it('fails on an undocumented public field or argument', async () => {
    const { report, text } = await check(edit('work', (sdl) => sdl.replace(/(type Task @key\(fields: "id"\) \{)/, '$1\n  estimateMinutes(unit: String): Int')));
    expect(report.ok).toBe(false);
    expect(report.undocumented).toEqual(['work: Task.estimateMinutes', 'work: Task.estimateMinutes(unit:)']);
    expect(text).toMatch(/Undocumented public definitions/);
  });

  it('fails on a list the cost limit cannot bound: a plain list without a size, a connection without its page argument', async () => {
    const { report, text } = await check(
      edit('work', (sdl) =>
        sdl
          .replace('links: [TaskLink!]! @listSize(assumedSize: 8)', 'links: [TaskLink!]!')
          .replace(/(type Contact [^]*?TaskConnection!) @listSize\([^)]*\)/, '$1'),
      ),
    );
    expect(report.ok).toBe(false);
    expect(report.unboundedLists).toEqual([
      expect.stringMatching(/^Contact\.relatedTasks: a connection needs @listSize/),
      expect.stringMatching(/^Task\.links: a list of objects needs @listSize\(assumedSize/),
    ]);
    expect(text).toMatch(/Lists without a bound for the cost limit/);
  });
});
