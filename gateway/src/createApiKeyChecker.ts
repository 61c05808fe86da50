import { GATEWAY_IDENTITY, type InternalTokens } from '@chief/runtime';
import type { SubgraphClient } from './createSubgraphClient.ts';

export interface ApiKeyGrant {
  apiKeyId: string;
  workspaceId: string;
  scopes: string[];
}

/**
 * Asks core about a presented API key, on every request (so a revoked key is refused at once),
 * at its API-key endpoint with the gateway's own signed token and the request's id. null: no such
 * live key.
 */
export function createApiKeyChecker(endpoint: SubgraphClient, tokens: InternalTokens) {
  return async (key: string, requestId: string): Promise<ApiKeyGrant | null> => {
    const token = tokens.sign(GATEWAY_IDENTITY);
    const { status, text } = await endpoint.post(JSON.stringify({ key }), { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId });
    if (status !== 200) throw new Error(`API key check failed: core answered ${status}`);
    return (JSON.parse(text) as { apiKey: ApiKeyGrant | null }).apiKey;
  };
}
