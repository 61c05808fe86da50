export { createGateway, type GatewayContext, type SubgraphEndpoint } from './createGateway.ts';
export { createAuthenticator } from './createAuthenticator.ts';
