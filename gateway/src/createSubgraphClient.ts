import { Pool } from 'undici';

export interface SubgraphAnswer {
  status: number;
  text: string;
  /** From sending to the end of the answer. */
  seconds: number;
}

/** The largest answer the gateway reads from a subgraph; a larger one fails that fetch. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * HTTP to one subgraph over kept-alive connections (undici's pool): a JSON POST, the answer's
 * status and text. Node's fetch costs about ten times the CPU per call (WHATWG streams and
 * headers), and the gateway makes several calls per client request. A call that outlasts the
 * gateway's request timeout is abandoned. An idle connection is closed a second before the
 * subgraph's keep-alive hint says it would close it (Chief's subgraphs say 65 s), and after 30 s
 * at most, so a load balancer between them with an idle timeout of more than 30 s never closes
 * one under a request (a POST is not retried).
 */
export function createSubgraphClient(url: string, timeoutMs: number) {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, maxResponseSize: MAX_ANSWER_BYTES });
  return {
    async post(body: string, headers: Record<string, string>): Promise<SubgraphAnswer> {
      const started = performance.now();
      const response = await pool.request({ method: 'POST', path, headers, body });
      const text = await response.body.text();
      return { status: response.statusCode, text, seconds: (performance.now() - started) / 1000 };
    },
    close: () => pool.close(),
  };
}

export type SubgraphClient = ReturnType<typeof createSubgraphClient>;
