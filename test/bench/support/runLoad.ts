import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts, non-2xx answers and answers other than the expected body. */
  failures: number;
}

/**
 * Keeps one connection per client busy for `seconds` (each sends its next request when the last
 * one is answered), every client with its own Authorization header. Every answer must be the
 * body given: an error or a refusal is counted, never measured as speed.
 */
export async function runLoad(url: string, authorizations: string[], body: unknown, seconds: number, expectBody: string): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: authorizations.length,
    duration: seconds,
    body: JSON.stringify(body),
    expectBody,
    setupClient: (client) => client.setHeaders({ 'content-type': 'application/json', authorization: authorizations[next++ % authorizations.length] }),
  });
  const requests = result.requests.total;
  return {
    requests,
    requestsPerSecond: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx + result.mismatches,
  };
}
