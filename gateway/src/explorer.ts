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
};

// The page's own script: GraphiQL against this gateway, with the headers editor open for a
// token or an API key. The documentation loads without them (anonymous introspection).
const explorerScript = `
const fetcher = GraphiQL.createFetcher({ url: new URL(${JSON.stringify('/graphql')}, location.href).href });
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
