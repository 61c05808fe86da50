// Values the global setup provides to every test file (see globalSetup.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseEmbedded: boolean;
  }
}
export {};
