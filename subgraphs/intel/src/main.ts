import { runSubgraphProcess } from '@chief/runtime';
import { createIntelSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('intel', createIntelSubgraph);
