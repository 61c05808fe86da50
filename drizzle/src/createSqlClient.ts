import postgres from 'postgres';

export type SqlClient = postgres.Sql;

/**
 * postgres.js with libpq's form for a Unix socket: `postgres://user@localhost/db?host=/folder`
 * connects to `/folder/.s.PGSQL.<port>` (the embedded database serves only such a socket).
 * postgres.js would read `host` as a server setting to send, so it is taken out of the URL.
 */
export function connectPostgres(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): SqlClient {
  const parsed = new URL(url);
  const folder = parsed.searchParams.get('host');
  if (!folder?.startsWith('/')) return postgres(url, options);
  parsed.searchParams.delete('host');
  return postgres(parsed.toString(), { ...options, path: `${folder}/.s.PGSQL.${parsed.port || 5432}` });
}

export interface SqlClientOptions {
  /** Connections in the pool. */
  max?: number;
  /**
   * The server is the embedded PGlite behind its socket: one backend session shared by every
   * connection, which keeps a connection's messages together only inside a transaction. So no
   * prepared statements: they belong to that one session, not to the connection that made them,
   * and the socket server does not deallocate them when it closes, so every pool's reconnects
   * would pile up plans for the process' lifetime (a test run opens thousands of connections).
   */
  embedded?: boolean;
  /** Called once per statement sent to the server; used by metrics and by tests that count SQL. */
  onStatement?: (query: string) => void;
  /** Seconds an idle connection stays open. */
  idleTimeout?: number;
}

/** Creates the postgres.js client that every service uses, in every mode. */
export function createSqlClient(url: string, options: SqlClientOptions = {}): SqlClient {
  const { max = 10, embedded = false, onStatement, idleTimeout = 30 } = options;
  return connectPostgres(url, {
    max,
    prepare: !embedded,
    // No array-type lookup when a connection opens, on either database: it is a catalog query
    // before the first statement (outside any transaction, which the embedded server cannot keep
    // whole), and drizzle reads array columns itself, so both databases answer alike.
    fetch_types: false,
    idle_timeout: idleTimeout,
    onnotice: () => {},
    // bigint (e.g. ops.events.seq) arrives as a string; callers that need a number convert.
    types: {},
    debug: onStatement ? (_connection, query) => onStatement(query) : undefined,
    connection: { application_name: 'chief' },
  });
}
