import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptedChangesSchema, checkSchema, formatReport, type ClientOperation, type SchemaCheckInput } from './checkSchema.ts';
import { currentSubgraphs } from './schemaRegistry.ts';

/**
 * `npm run schema:check [-- --base <file> | --base-ref <git ref>]`: the schema check CI runs.
 * Without options the base is chosen by defaultBaseRef.
 */
const { values } = parseArgs({ options: { base: { type: 'string' }, 'base-ref': { type: 'string' } } });

export const OPERATIONS_DIR = 'clients/operations';
export const PERSISTED_MANIFEST = 'clients/generated/persisted-documents.json';

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** Stops the check: a base that was asked for but cannot be read must not turn the diff off. */
function fail(message: string): never {
  console.error(`schema check failed: ${message}`);
  process.exit(2);
}

/**
 * A branch is compared with where it left main; main itself (CI on a clone) with its previous
 * commit; a checkout without a remote with its last commit (the working change). CI systems that
 * know the change's real base (a pull request's target) pass it with --base-ref.
 */
function defaultBaseRef(): string {
  let mergeBase: string;
  try {
    mergeBase = git('merge-base', 'HEAD', 'origin/main');
  } catch {
    return 'HEAD';
  }
  return mergeBase === git('rev-parse', 'HEAD') ? 'HEAD^' : mergeBase;
}

function baseSchema(): SchemaCheckInput['base'] {
  if (values.base) {
    if (!existsSync(values.base)) fail(`--base ${values.base}: no such file`);
    return { label: values.base, apiSdl: readFileSync(values.base, 'utf8') };
  }
  const named = values['base-ref'];
  const ref = named ?? defaultBaseRef();
  try {
    return { label: ref, apiSdl: git('show', `${ref}:schema/api.graphql`) };
  } catch {
    if (named) fail(`--base-ref ${named}: no schema/api.graphql at that ref (is it fetched? shallow clones need --depth or a fetch of the base)`);
    return undefined; // the first commit, or a base from before the registry: nothing to compare with
  }
}

function filesUnder(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(extension))
    .map((f) => join(dir, f))
    .sort();
}

function clientOperations(): ClientOperation[] {
  const folder = filesUnder(OPERATIONS_DIR, '.graphql').map((source) => ({ source, document: readFileSync(source, 'utf8') }));
  const manifest = existsSync(PERSISTED_MANIFEST) ? (JSON.parse(readFileSync(PERSISTED_MANIFEST, 'utf8')) as Record<string, string>) : {};
  return [...folder, ...Object.entries(manifest).map(([hash, document]) => ({ source: `${PERSISTED_MANIFEST} ${hash}`, document }))];
}

const report = await checkSchema({
  subgraphs: await currentSubgraphs(),
  committed: Object.fromEntries(filesUnder('schema', '.graphql').map((path) => [path, readFileSync(path, 'utf8')])),
  base: baseSchema(),
  accepted: acceptedChangesSchema.parse(JSON.parse(readFileSync('schema/accepted-changes.json', 'utf8'))).accepted,
  operations: clientOperations(),
});
console.log(formatReport(report));
process.exit(report.ok ? 0 : 1);
