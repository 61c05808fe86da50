import { readFileSync, writeFileSync } from 'node:fs';
import { deploymentFiles } from './deploymentFiles.ts';

// `npm run docker:generate`: rewrites the Dockerfile and docker-compose.yml from the manifest.
const { workspaces } = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] };
for (const [path, content] of Object.entries(deploymentFiles(workspaces))) {
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
