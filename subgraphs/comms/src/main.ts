import { runSubgraphProcess } from '@chief/runtime';
import { createCommsSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('comms', createCommsSubgraph);
