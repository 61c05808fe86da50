import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run bench`: the benchmarks in test/bench, which print figures and are not part of `npm test`.
export default defineConfig({ ...base, test: { ...base.test, include: ['test/bench/**/*.ts'], testTimeout: 300_000 } });
