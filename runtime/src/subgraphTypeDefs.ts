import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** SDL several subgraphs declare alike, one text each (runtime/src/sdl). */
const SHARED_SDL = {
  pages: new URL('./sdl/pages.graphql', import.meta.url),
  dateTime: new URL('./sdl/dateTime.graphql', import.meta.url),
  json: new URL('./sdl/json.graphql', import.meta.url),
  changes: new URL('./sdl/changes.graphql', import.meta.url),
  ingest: new URL('./sdl/ingest.graphql', import.meta.url),
  search: new URL('./sdl/search.graphql', import.meta.url),
} as const;

/**
 * A subgraph's SDL: its schema.graphql, and the shared SDL it names appended. Types that several
 * subgraphs declare (a value type, an enum, an input) must agree to compose; written once, they do.
 */
export function subgraphTypeDefs(schema: URL, ...shared: (keyof typeof SHARED_SDL)[]): DocumentNode {
  return parse([schema, ...shared.map((name) => SHARED_SDL[name])].map((url) => readFileSync(url, 'utf8')).join('\n'));
}
