import { runSubgraphProcess } from '@chief/runtime';
import { createOpsSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('ops', createOpsSubgraph);
