import { runSubgraphProcess, subgraphNames, type SubgraphName } from '@chief/runtime';
import { loadSubgraph } from './loadSubgraphs.ts';

// `npm run start:subgraph -- <name>`: one subgraph of the manifest as its own process.
const name = process.argv[2];
if (!subgraphNames.includes(name as SubgraphName)) {
  console.error(`Usage: npm run start:subgraph -- <name>, one of ${subgraphNames.join(', ')}`);
  process.exit(1);
}
await runSubgraphProcess(name as SubgraphName, (await loadSubgraph(name as SubgraphName)).create);
