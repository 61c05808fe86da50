// A worker process for the job queue's tests: it works one kind whose handler never finishes,
// and prints the id of each job it takes, so a test can kill it mid-job.
import { z } from 'zod';
import { createSqlClient } from '@chief/db';
import { createLogger, startJobQueue } from '@chief/runtime';

const sql = createSqlClient(process.env.DATABASE_URL!, { embedded: process.env.DATABASE_EMBEDDED === 'true', max: 3 });
await startJobQueue({
  sql,
  embedded: process.env.DATABASE_EMBEDDED === 'true',
  logger: createLogger('worker', 'silent'),
  work: true,
  superviseSeconds: 1,
  pollSeconds: 0.5,
  kinds: [{
    name: process.env.JOB_KIND!,
    data: z.object({ n: z.number() }),
    heartbeatSeconds: 10,
    async handle(_data, run) {
      console.log(JSON.stringify({ url: `job:${run.id}:${run.attempt}` }));
      await new Promise(() => {});
    },
  }],
});
