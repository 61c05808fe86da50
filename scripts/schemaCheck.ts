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

/**
 * A branch is compared with where it left main; main itself (CI on a clone) with its previous
 * commit; a checkout without a remote with its last commit (the working change).
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
  if (values.base) return { label: values.base, apiSdl: readFileSync(values.base, 'utf8') };
  let ref = values['base-ref'];
  try {
    ref ??= defaultBaseRef();
    return { label: ref, apiSdl: git('show', `${ref}:schema/api.graphql`) };
  } catch {
    return undefined; // no history, or the base had no API schema yet
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
  subgraphs: currentSubgraphs(),
  committed: Object.fromEntries(filesUnder('schema', '.graphql').map((path) => [path, readFileSync(path, 'utf8')])),
  base: baseSchema(),
  accepted: acceptedChangesSchema.parse(JSON.parse(readFileSync('schema/accepted-changes.json', 'utf8'))).accepted,
  operations: clientOperations(),
});
console.log(formatReport(report));
process.exit(report.ok ? 0 : 1);
