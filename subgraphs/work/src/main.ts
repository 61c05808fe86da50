import { runSubgraphProcess } from '@chief/runtime';
import { createWorkSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('work', createWorkSubgraph);
