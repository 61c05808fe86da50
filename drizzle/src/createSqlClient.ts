import postgres from 'postgres';

export type SqlClient = postgres.Sql;

export interface SqlClientOptions {
  /** Connections in the pool. */
  max?: number;
  /**
   * Named prepared statements. Off for the embedded database: PGlite is a single backend shared
   * by every socket connection, so two connections preparing the same name would collide.
   */
  prepare?: boolean;
  /** Called once per statement sent to the server; used by metrics and by tests that count SQL. */
  onStatement?: (query: string) => void;
  /** Seconds an idle connection stays open. */
  idleTimeout?: number;
}

/** Creates the postgres.js client that every service uses, in every mode. */
export function createSqlClient(url: string, options: SqlClientOptions = {}): SqlClient {
  const { max = 10, prepare = true, onStatement, idleTimeout = 30 } = options;
  return postgres(url, {
    max,
    prepare,
    idle_timeout: idleTimeout,
    onnotice: () => {},
    // bigint (e.g. ops.events.seq) arrives as a string; callers that need a number convert.
    types: {},
    debug: onStatement ? (_connection, query) => onStatement(query) : undefined,
    connection: { application_name: 'chief' },
  });
}
