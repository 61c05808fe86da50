import { existsSync, readFileSync } from 'node:fs';

/** Operation bodies by SHA-256 of their text, from the persisted-documents manifest codegen writes. */
export type TrustedDocuments = ReadonlyMap<string, string>;

/** Reads the manifest; required documents that are missing stop the gateway at start-up. */
export function loadTrustedDocuments(path: string, required: boolean): TrustedDocuments {
  if (!existsSync(path)) {
    if (required) throw new Error(`TRUSTED_DOCUMENTS is require but ${path} does not exist (npm run codegen writes it)`);
    return new Map();
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(manifest).map(([hash, body]) => [hash.replace(/^sha256:/, ''), body]));
}
