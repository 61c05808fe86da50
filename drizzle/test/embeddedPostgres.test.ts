import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from '@chief/db';

/**
 * The embedded database as `npm start` serves it. PGlite lets in whoever connects, as its
 * superuser, so only the user who owns the data folder may reach it.
 */
describe('the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chief-pg-'));
  let embedded: EmbeddedPostgres;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ dataDir });
  });
  afterAll(async () => {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served on a Unix socket inside its data folder, which only its owner may enter', async () => {
    expect(embedded.socketFolder).toBe(dataDir);
    expect(new URL(embedded.url).searchParams.get('host')).toBe(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, '.s.PGSQL.5432')).mode & 0o777).toBe(0o600);
    const sql = connectPostgres(embedded.url, { max: 1, prepare: false, fetch_types: false });
    try {
      expect((await sql.unsafe('select 1 as one'))[0]).toEqual({ one: 1 });
    } finally {
      await sql.end();
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a process of another user at the door', async () => {
    // Run as `nobody`: the operating system refuses to connect, before PGlite sees anything.
    const probe = `require('net').connect(${JSON.stringify(join(dataDir, '.s.PGSQL.5432'))}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(0) })`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, cwd: '/' });
    expect(stdout.trim()).toBe('EACCES');
  });

  it('keeps a second process off a data folder in use', async () => {
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use by another process/);
  });

  it('starts over a socket left behind by a process that was killed', async () => {
    const stale = mkdtempSync(join(tmpdir(), 'chief-pg-'));
    writeFileSync(join(stale, '.s.PGSQL.5432'), '');
    const again = await startEmbeddedPostgres({ dataDir: stale });
    try {
      const sql = connectPostgres(again.url, { max: 1, prepare: false, fetch_types: false });
      expect((await sql.unsafe('select 1 as one'))[0]).toEqual({ one: 1 });
      await sql.end();
    } finally {
      await again.stop();
      rmSync(stale, { recursive: true, force: true });
    }
  });
});
