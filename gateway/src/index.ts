export { createGateway, type SubgraphEndpoint } from './createGateway.ts';
export type { GatewayContext } from './gatewayContext.ts';
export { createAuthenticator } from './createAuthenticator.ts';
export { readListSizes, type ListSize, type ListSizes } from './readListSizes.ts';
