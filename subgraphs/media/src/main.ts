import { runSubgraphProcess } from '@chief/runtime';
import { createMediaSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('media', createMediaSubgraph);
