import type { ApolloGateway } from '@apollo/gateway';
import { readListSizes, type ListSizes } from './readListSizes.ts';

/**
 * The list sizes of the supergraph the gateway has loaded, kept current on every schema load:
 * read from the supergraph itself, since the API schema drops the cost spec's directives.
 */
export function trackListSizes(gateway: ApolloGateway): () => ListSizes {
  let listSizes: ListSizes = new Map();
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    listSizes = readListSizes(coreSupergraphSdl);
  });
  return () => listSizes;
}
