import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** postgres:// URL of the socket server, usable by any Postgres client. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs; in memory when omitted. */
  dataDir?: string;
  /** TCP port to serve on; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Socket connections served at once (every service's pool draws from these). */
  maxConnections?: number;
}

/**
 * Starts PGlite (Postgres in WASM) with pgvector and serves it over the Postgres wire protocol,
 * so the same postgres.js code runs against it as against a real server. The socket server
 * queues statements and keeps a transaction on the connection that opened it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, port = 0, host = '127.0.0.1', maxConnections = 100 } = options;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port, host, maxConnections });
  await server.start();
  const address = server.getServerConn();
  const boundPort = Number(address.split(':').pop());
  return {
    url: `postgres://postgres:postgres@${host}:${boundPort}/postgres`,
    port: boundPort,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
