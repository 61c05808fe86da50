import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMBEDDING_DIMENSIONS, lexicalVector } from '@chief/runtime';

/**
 * A local server that speaks OpenAI's embeddings API (POST /v1/embeddings), so the real `openai`
 * client runs against it. Its vectors are the lexical ones, so an answer can be checked text by
 * text; `script` answers the next requests with failures first, and a request with a text that
 * `refuses` matches is answered 400, as OpenAI answers a text it cannot take.
 */
export function fakeOpenAi() {
  const requests: { inputs: string[]; at: number; authorization: string | undefined }[] = [];
  const script: { status: number; headers?: Record<string, string> }[] = [];
  let dimensions = EMBEDDING_DIMENSIONS;
  let refuses: RegExp | null = null;
  const body = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return JSON.parse(text) as { model: string; input: string[] };
  };
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return res.writeHead(404).end();
    const { model, input } = await body(req);
    requests.push({ inputs: input, at: Date.now(), authorization: req.headers.authorization });
    if (refuses && input.some((text) => refuses!.test(text))) {
      return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'This input cannot be embedded.', type: 'invalid_request_error' } }));
    }
    const failure = script.shift();
    if (failure) return res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers }).end(JSON.stringify({ error: { message: 'try again', type: 'rate_limit' } }));
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: (lexicalVector(text) ?? []).slice(0, dimensions) }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: input.length * 3, total_tokens: input.length * 3 } }));
  });
  return {
    requests,
    script,
    answerDimensions: (n: number) => (dimensions = n),
    refuse: (pattern: RegExp | null) => (refuses = pattern),
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
