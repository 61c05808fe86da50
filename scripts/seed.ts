import { ConfigError, loadConfig } from '@chief/runtime';
import { DEMO_WORKSPACE_ID, loadDemoData } from './demoData.ts';
import { openDatabase } from './openDatabase.ts';

// `npm run seed`: the demo workspace (the one `npm start` loads on first run) into DATABASE_URL,
// or into the embedded data folder, unless it is there already. Migrates first, as a start does.
try {
  const database = await openDatabase(loadConfig());
  const sql = database.connect();
  try {
    const loaded = await loadDemoData(sql);
    console.log(`Demo workspace Acme Robotics (${DEMO_WORKSPACE_ID}): ${loaded ? 'loaded' : 'already there, nothing changed'}.`);
  } finally {
    await sql.end();
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
