import { existsSync, readFileSync } from 'node:fs';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { ErrorCode, chiefError, type Config } from '@chief/runtime';
import type { OperationGuard } from './useOperationGuards.ts';

/** Operation bodies by SHA-256 of their text, from the persisted-documents manifest codegen writes. */
export type TrustedDocuments = ReadonlyMap<string, string>;

export function loadTrustedDocuments(path: string, required: boolean): TrustedDocuments {
  if (!existsSync(path)) {
    if (required) throw new Error(`TRUSTED_DOCUMENTS is require but ${path} does not exist (npm run codegen writes it)`);
    return new Map();
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(manifest).map(([hash, body]) => [hash.replace(/^sha256:/, ''), body]));
}

/**
 * The cache behind automatic persisted queries: the trusted documents are always there (a
 * client may send only their hash), and operations clients register at run time are kept in an
 * LRU beside them, which may forget them (the client then sends the text again).
 */
export function persistedQueryCache(documents: TrustedDocuments): KeyValueCache<string> {
  const registered = new InMemoryLRUCache<string>({ maxSize: 20 * 1024 * 1024 });
  // Apollo Server prefixes the keys it uses for persisted queries.
  const hashOf = (key: string) => key.replace(/^apq:/, '');
  return {
    async get(key) {
      return documents.get(hashOf(key)) ?? registered.get(key);
    },
    async set(key, value, options) {
      if (!documents.has(hashOf(key))) await registered.set(key, value, options);
    },
    async delete(key) {
      return registered.delete(key);
    },
  };
}

/**
 * With trusted documents required, a restricted client runs only operations in the manifest,
 * sent in full or by hash. The client is the one the caller's verified token was issued to (its
 * `azp` or `client_id` claim), never a header the caller could leave out; with no clients named,
 * every caller is restricted.
 */
export function requireTrustedDocuments(config: Config['trustedDocuments'], documents: TrustedDocuments): OperationGuard {
  const restricted = (client: string | undefined) => config.clients.length === 0 || (client !== undefined && config.clients.includes(client));
  return ({ queryHash, contextValue }) => {
    if (!config.required || !restricted(contextValue.clientId)) return;
    if (!documents.has(queryHash)) {
      throw chiefError(ErrorCode.OPERATION_NOT_TRUSTED, 'This client may only send the operations listed in its trusted documents manifest', { queryHash });
    }
  };
}
