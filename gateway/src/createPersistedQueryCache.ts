import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { TrustedDocuments } from './loadTrustedDocuments.ts';

/**
 * The cache behind automatic persisted queries: the trusted documents are always there (a
 * client may send only their hash), and operations clients register at run time are kept in an
 * LRU beside them, which may forget them (the client then sends the text again).
 */
export function createPersistedQueryCache(documents: TrustedDocuments): KeyValueCache<string> {
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
