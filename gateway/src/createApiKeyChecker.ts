import { API_KEY_ENDPOINT, type InternalTokens } from '@chief/runtime';

export interface ApiKeyGrant {
  apiKeyId: string;
  workspaceId: string;
  scopes: string[];
}

/**
 * Asks core about a presented API key, on every request (so a revoked key is refused at once),
 * with the gateway's own signed token and the request's id. null: no such live key.
 */
export function createApiKeyChecker(coreUrl: string, tokens: InternalTokens, timeoutMs: number) {
  const endpoint = new URL(API_KEY_ENDPOINT, coreUrl);
  return async (key: string, requestId: string): Promise<ApiKeyGrant | null> => {
    const token = await tokens.sign({ kind: 'gateway', userId: null, workspaceId: null, scopes: [] });
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ key }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`API key check failed: core answered ${response.status}`);
    return ((await response.json()) as { apiKey: ApiKeyGrant | null }).apiKey;
  };
}
