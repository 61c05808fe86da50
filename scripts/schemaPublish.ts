import { writeFileSync } from 'node:fs';
import { composeSupergraph } from './composeSupergraph.ts';

// `npm run schema:publish`: writes the composed supergraph (read by the gateway in production)
// and the public API schema (what clients and code generators see) into schema/.
const { supergraphSdl, apiSchemaSdl } = composeSupergraph();
writeFileSync('schema/supergraph.graphql', supergraphSdl);
writeFileSync('schema/api.graphql', `${apiSchemaSdl}\n`);
console.log('Wrote schema/supergraph.graphql and schema/api.graphql');
