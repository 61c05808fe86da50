import { runSubgraphProcess } from '@chief/runtime';
import { createMeetingsSubgraph } from './index.ts';

// This subgraph as its own process (distributed mode).
await runSubgraphProcess('meetings', createMeetingsSubgraph);
