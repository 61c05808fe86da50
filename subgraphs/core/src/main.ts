import { runSubgraphProcess } from '@chief/runtime';
import { createCoreSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('core', createCoreSubgraph);
