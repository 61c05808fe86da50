import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed operations for TypeScript clients, from the public API schema and the
 * operations the apps send (clients/operations). The persisted-documents manifest it writes is
 * what the gateway trusts when trusted documents are required.
 */
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: ['clients/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  // ESM imports with extensions, as Node's module resolution wants.
  emitLegacyCommonJSImports: false,
  generates: {
    'clients/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Date: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
