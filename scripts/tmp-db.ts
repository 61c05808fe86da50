import { startEmbeddedPostgres, runMigrations } from '@chief/db';
const pg = await startEmbeddedPostgres({ port: 55999 });
await runMigrations(pg.url);
console.log('db ready', pg.url);
setInterval(() => {}, 1000);
