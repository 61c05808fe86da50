import { runMigrations, startEmbeddedPostgres } from '@chief/db';

/**
 * The embedded PGlite as a process of its own, migrated, for the benchmark: its CPU is then
 * measured apart from the load generator's. Prints `{"url": ...}` and serves until SIGTERM.
 */
const database = await startEmbeddedPostgres();
await runMigrations(database.url);
console.log(JSON.stringify({ url: database.url }));
process.on('SIGTERM', () => void database.stop().then(() => process.exit(0)));
