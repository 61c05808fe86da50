import { runSubgraphProcess } from '@chief/runtime';
import { createCoreSubgraph } from './index.ts';

await runSubgraphProcess('core', (config) => config.ports.core, createCoreSubgraph);
