import { runSubgraphProcess } from '@chief/runtime';
import { createFlowsSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('flows', createFlowsSubgraph);
