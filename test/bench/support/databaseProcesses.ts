import { connectPostgres } from '@chief/db';
import type { BenchStack } from './benchStack.ts';
import { childrenOf, parentOf } from './processStats.ts';

/**
 * The processes whose CPU is the database's, as a function to call again (a local server's
 * backends come and go): the embedded one, or the postmaster of DATABASE_URL and its backends.
 */
export async function databaseProcesses(stack: Pick<BenchStack, 'embeddedDatabase' | 'databaseUrl'>): Promise<() => number[]> {
  if (stack.embeddedDatabase) return () => [stack.embeddedDatabase!.pid];
  const sql = connectPostgres(stack.databaseUrl, { max: 1 });
  const [{ pid }] = await sql<[{ pid: number }]>`select pg_backend_pid() as pid`;
  const postmaster = parentOf(pid);
  await sql.end();
  if (postmaster === undefined) return () => [];
  return () => [postmaster, ...childrenOf(postmaster)];
}
