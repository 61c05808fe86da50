import type { BenchStack } from './benchStack.ts';

/** The sum of a counter's samples in a service's /metrics (every label set), read with METRICS_TOKEN. */
export async function readCounter(serviceUrl: string, metricsToken: string, name: string): Promise<number> {
  const response = await fetch(new URL('/metrics', serviceUrl), { headers: { authorization: `Bearer ${metricsToken}` } });
  if (!response.ok) throw new Error(`${serviceUrl} /metrics: ${response.status}`);
  let total = 0;
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** SQL statements per request, exactly: requests one at a time, with nothing else in flight. */
export async function statementsPerRequest(stack: BenchStack, url: string, authorization: string, body: unknown, requests = 10): Promise<number> {
  const send = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
    await response.arrayBuffer();
  };
  const statements = async () => (await Promise.all(stack.subgraphs.map((s) => readCounter(s.url, stack.env.METRICS_TOKEN, 'chief_sql_statements_total')))).reduce((a, b) => a + b, 0);
  // Requests the load left in flight (a client stops waiting, the services go on) finish first.
  let before = await statements();
  for (let settled = false; !settled; ) {
    await new Promise((wait) => setTimeout(wait, 300));
    const now = await statements();
    [settled, before] = [now === before, now];
  }
  for (let i = 0; i < requests; i++) await send();
  return ((await statements()) - before) / requests;
}
