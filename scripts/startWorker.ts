import { runWorkerProcess } from '@chief/runtime';

// `npm run start:worker`: the background worker (the search index's pipeline) as its own process.
await runWorkerProcess();
