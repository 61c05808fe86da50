import type { Db } from 'pg-boss';
import type { SqlClient } from '@chief/db';

// pg-boss speaks `$1..$n` text with values, and sends scripts (`BEGIN; ...; COMMIT;`) without
// values, which must run whole on one connection by the simple protocol.
const SCRIPT = /^\s*BEGIN\b/i;
const ARRAY_CAST = /^::[a-z_][a-z0-9_]*\[\]/i;

/**
 * A plain object is sent as its JSON, as node-postgres (pg-boss's own driver) sends it: pg-boss
 * passes a failed job's error so, for a jsonb column. postgres.js would refuse it.
 */
const asParameter = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array) ? JSON.stringify(value) : value;

/**
 * `$n::type[]` bound to an array becomes `ARRAY[$a, $b]::type[]`: our client reads no array types
 * from the catalog (fetch_types off), so an array value is sent element by element instead.
 */
function spreadArrays(text: string, values: readonly unknown[]) {
  const pieces = text.split(/\$(\d+)/);
  const sent: unknown[] = [];
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) {
    const value = asParameter(values[Number(pieces[i]) - 1]);
    const rest = pieces[i + 1]!;
    out += Array.isArray(value) && ARRAY_CAST.test(rest) ? `ARRAY[${value.map((v) => `$${sent.push(v)}`).join(', ')}]` : `$${sent.push(value)}`;
    out += rest;
  }
  return { text: out, values: sent };
}

// A script answers one result per statement; pg-boss reads the rows of all of them.
const rowsOf = (result: readonly unknown[]) => ({
  rows: result.length && result.every(Array.isArray) ? (result as unknown[][]).flat() : [...result],
});

/**
 * pg-boss's database over our postgres.js client, so the queue shares the services' pool and
 * settings instead of bringing a `pg` pool of its own. On the embedded PGlite (`embedded`), each
 * statement runs in a transaction of its own: its socket server keeps a connection's messages
 * together only inside one, and a statement with large values could otherwise lose its unnamed
 * statement to another connection's.
 */
export function bossDatabase(sql: SqlClient, { embedded }: { embedded: boolean }): Db {
  return {
    async executeSql(text, values) {
      if (values?.length) {
        const query = spreadArrays(text, values);
        const params = query.values as never[];
        return rowsOf(embedded ? await sql.begin((tx) => tx.unsafe(query.text, params)) : await sql.unsafe(query.text, params));
      }
      if (SCRIPT.test(text)) {
        const connection = await sql.reserve();
        try {
          return rowsOf(await connection.unsafe(text).simple());
        } finally {
          connection.release();
        }
      }
      return rowsOf(await sql.unsafe(text).simple());
    },
  };
}
