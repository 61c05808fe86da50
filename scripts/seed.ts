import { createSqlClient, runMigrations, startEmbeddedPostgres } from '@chief/db';
import { ConfigError, loadConfig } from '@chief/runtime';
import { DEMO_WORKSPACE_ID, loadDemoData } from './demoData.ts';

// `npm run seed`: the demo workspace (the one `npm start` loads on first run) into DATABASE_URL,
// or into the embedded data folder, unless it is there already. Migrates first, as a start does.
try {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.pglite.dataDir, port: 0 });
  const url = config.databaseUrl ?? embedded!.url;
  const sql = createSqlClient(url, { max: config.dbPoolMax, embedded: Boolean(embedded) || config.databaseEmbedded });
  try {
    await runMigrations(url);
    const loaded = await loadDemoData(sql);
    console.log(`Demo workspace Acme Robotics (${DEMO_WORKSPACE_ID}): ${loaded ? 'loaded' : 'already there, nothing changed'}.`);
  } finally {
    await sql.end();
    await embedded?.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
