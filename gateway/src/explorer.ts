import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { RouteHandler } from '@chief/runtime';

const require = createRequire(import.meta.url);
const fromPackage = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

export const EXPLORER_ASSETS_PATH = '/graphql/explorer/';

// Everything the page loads comes from the gateway itself, so it works with no internet access.
const assetFiles: Record<string, { path: string; type: string }> = {
  'react.production.min.js': { path: fromPackage('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { path: fromPackage('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { path: fromPackage('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { path: fromPackage('graphiql', 'graphiql.min.css'), type: 'text/css' },
  'graphql-ws.min.js': { path: fromPackage('graphql-ws', 'umd/graphql-ws.min.js'), type: 'text/javascript' },
};

// The page's own script: GraphiQL against this gateway, with the headers editor open for a
// token or an API key. The documentation loads without them (anonymous introspection).
// Subscriptions go over graphql-ws to the same /graphql, not through GraphiQL's subscriptionUrl:
// its client retries closes such as 4403 or 4442 for half a minute with the same credentials
// and arguments, where the explorer should show Chief's close reason at once (retryAttempts: 0).
// Each subscription gets its own client, so connection_init carries the headers as they were
// typed when it ran, and its socket closes when GraphiQL stops it (the client is lazy).
const explorerScript = `
const url = new URL(${JSON.stringify('/graphql')}, location.href).href;
const http = GraphiQL.createFetcher({ url });
const isSubscription = ({ operationName }, document) =>
  document?.definitions.find((d) => d.kind === 'OperationDefinition' && (!operationName || d.name?.value === operationName))?.operation === 'subscription';
const subscribe = (params, headers) => ({
  subscribe(sink) {
    const client = graphqlWs.createClient({ url: url.replace(/^http/, 'ws'), connectionParams: headers, retryAttempts: 0 });
    const unsubscribe = client.subscribe(params, {
      next: (result) => sink.next(result),
      complete: () => sink.complete(),
      error: (error) => sink.error(error instanceof CloseEvent ? new Error(('The socket closed: ' + error.code + ' ' + error.reason).trim()) : error),
    });
    return { unsubscribe };
  },
});
const fetcher = (params, options) =>
  isSubscription(params, options?.documentAST) ? subscribe(params, options.headers) : http(params, options);
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: '# Put your credentials in Headers below, then run:\\n#   { "authorization": "Bearer <token or API key>" }\\n{\\n  viewer {\\n    userId\\n    workspaces { id name }\\n  }\\n}\\n',
  }),
);
`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Chief API explorer</title>
  <link rel="stylesheet" href="${EXPLORER_ASSETS_PATH}graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the explorer…</div>
  <script src="${EXPLORER_ASSETS_PATH}react.production.min.js"></script>
  <script src="${EXPLORER_ASSETS_PATH}react-dom.production.min.js"></script>
  <script src="${EXPLORER_ASSETS_PATH}graphiql.min.js"></script>
  <script src="${EXPLORER_ASSETS_PATH}graphql-ws.min.js"></script>
  <script src="${EXPLORER_ASSETS_PATH}explorer.js"></script>
</body>
</html>
`;

/** A browser asking for /graphql (it prefers HTML) gets the explorer; API clients never do. */
export const wantsExplorer = (request: IncomingMessage) =>
  request.method === 'GET' && /text\/html/.test(request.headers.accept ?? '') && !new URL(request.url ?? '/', 'http://x').searchParams.has('query');

export const serveExplorerPage: RouteHandler = async (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  response.end(page);
};

const cache = new Map<string, Buffer>();

export const serveExplorerAsset: RouteHandler = async (_request, response, { url }) => {
  const name = url.pathname.slice(EXPLORER_ASSETS_PATH.length);
  if (name === 'explorer.js') {
    response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    return void response.end(explorerScript);
  }
  const asset = assetFiles[name];
  if (!asset) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    return void response.end('Not found');
  }
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(asset.path)));
  response.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=3600' });
  response.end(body);
};

/** The explorer as the gateway's HTTP server serves it: the page at /graphql for browsers, and its assets. */
export const explorerEndpoints = {
  page: { wants: wantsExplorer, serve: serveExplorerPage },
  routes: { [`${EXPLORER_ASSETS_PATH}*`]: serveExplorerAsset },
};
