import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** postgres:// URL of the socket, in libpq's form (`?host=<folder>`), for connectPostgres or psql. */
  url: string;
  /** The folder that holds the socket (`.s.PGSQL.5432`). */
  socketFolder: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs (and holds the socket); in memory when omitted. */
  dataDir?: string;
  /** Socket connections served at once (every service's pool draws from these). */
  maxConnections?: number;
}

// psql's own default name, so `psql -h <folder> -U postgres` finds it.
const SOCKET = '.s.PGSQL.5432';
// sun_path holds 108 bytes on Linux, 104 on macOS.
const MAX_SOCKET_PATH = 103;

/** Resolves true when something answers on the socket (another Chief holds the data folder). */
const answers = (path: string) =>
  new Promise<boolean>((done) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

/**
 * Starts PGlite (Postgres in WASM) with pgvector and serves it over the Postgres wire protocol,
 * so the same postgres.js code runs against it as against a real server. PGlite lets in whoever
 * connects, as its superuser, so it is served only on a Unix socket inside a folder that only
 * this user can enter (0700, the socket 0600), never on a TCP port another local process could
 * reach. The socket also keeps a second process off a data folder that is in use. The socket
 * server queues statements and keeps a transaction on the connection that opened it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, maxConnections = 100 } = options;
  const folder = dataDir ? resolve(dataDir) : mkdtempSync(join(tmpdir(), 'chief-pglite-'));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  const path = join(folder, SOCKET);
  if (path.length > MAX_SOCKET_PATH) {
    throw new Error(`The embedded database's socket path ${path} is longer than ${MAX_SOCKET_PATH} characters; choose a shorter PGLITE_DATA_DIR`);
  }
  if (existsSync(path)) {
    if (await answers(path)) throw new Error(`The embedded database in ${folder} is in use by another process (stop it, or choose another PGLITE_DATA_DIR)`);
    unlinkSync(path); // left by a process that was killed
  }
  const db = await PGlite.create({ dataDir: dataDir ? folder : undefined, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, path, maxConnections });
  try {
    await server.start();
    chmodSync(path, 0o600);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(folder).replaceAll('%2F', '/')}`,
    socketFolder: folder,
    async stop() {
      await server.stop();
      await db.close();
      if (!dataDir) rmSync(folder, { recursive: true, force: true });
    },
  };
}
