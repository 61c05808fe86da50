import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { composeSubgraphs, currentSubgraphs, registryFiles } from './schemaRegistry.ts';

// `npm run schema:publish`: regenerates the registry in schema/ from the running code.
const subgraphs = await currentSubgraphs();
const composition = composeSubgraphs(subgraphs);
if (!composition.ok) {
  console.error(`The subgraphs do not compose:\n${composition.errors.map((e) => `  - ${e}`).join('\n')}`);
  process.exit(1);
}
for (const [path, content] of Object.entries(registryFiles(subgraphs, composition))) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
