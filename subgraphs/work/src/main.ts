import { runSubgraphProcess } from '@chief/runtime';
import { createWorkSubgraph } from './index.ts';

await runSubgraphProcess('work', (config) => config.ports.work, createWorkSubgraph);
