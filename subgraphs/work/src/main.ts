import { runSubgraphProcess } from '@chief/runtime';

// This subgraph as its own process; the manifest says how to build it.
await runSubgraphProcess('work');
