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
