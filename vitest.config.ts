import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships ESM and CJS builds; Vite would pick the ESM one for our sources while Apollo's
  // CommonJS packages load the CJS one, and graphql refuses objects from "another realm". Node
  // itself resolves the CJS build for both, so tests do the same.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'drizzle/test/**/*.test.ts', 'runtime/test/**/*.test.ts', 'gateway/test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { NODE_ENV: 'test' },
  },
});
