import { randomBytes } from 'node:crypto';
import { subgraphNames, subgraphVariables, type SubgraphName } from '@chief/runtime';
import { spawnService, tsxEntry, type SpawnedService } from '../../support/spawnService.ts';
import { TEST_ENV } from '../../support/startTestChief.ts';

export const gatewayNames = ['chief', 'vanilla', 'hive'] as const;
export type GatewayName = (typeof gatewayNames)[number];

const gatewayEntries: Record<GatewayName, string> = {
  chief: 'gateway/src/main.ts',
  vanilla: 'test/bench/gateways/vanillaGateway.ts',
  hive: 'test/bench/gateways/hiveGateway.ts',
};

export interface BenchProcess {
  name: string;
  url: string;
  pid: number;
  /** The inspector's WebSocket URL (`ws://...`), when the stack was started with `inspect`. */
  inspector?: string;
}

export interface BenchStack<G extends GatewayName = GatewayName> {
  databaseUrl: string;
  /** The embedded database's own process; undefined on DATABASE_URL. */
  embeddedDatabase: BenchProcess | undefined;
  subgraphs: (BenchProcess & { name: SubgraphName })[];
  gateways: Record<G, BenchProcess>;
  /** What the services were started with: the secrets tokens are signed with, METRICS_TOKEN. */
  env: { AUTH_JWT_SECRET: string; SUBGRAPH_SECRET: string; METRICS_TOKEN: string };
  /** One more process of a subgraph, started as the others were with `env` on top; stopped with the stack. */
  startSubgraph(name: SubgraphName, env: Record<string, string>): Promise<BenchProcess>;
  stop(): Promise<void>;
}

/**
 * The benchmark's processes, each started as a deployment starts it (production mode, the
 * committed supergraph, configuration by environment only): the database when it is the embedded
 * one, every subgraph of the manifest, and the gateways in front of the same subgraphs (all three
 * unless `gateways` names some): Chief's, a vanilla @apollo/gateway and Hive Gateway.
 */
export async function startBenchStack<G extends GatewayName = GatewayName>(
  options: {
    databaseUrl?: string;
    /** Folder for V8 CPU profiles of Chief's processes. */
    profileDir?: string;
    /** Only these gateways (all three when absent). */
    gateways?: readonly G[];
    /** Settings of every service beyond the benchmark's own (a subscription limit, a poll interval). */
    env?: Record<string, string>;
    /** Each gateway listens for an inspector on a free port (see connectInspector): heap figures after a full GC. */
    inspect?: boolean;
  } = {},
): Promise<BenchStack<G>> {
  const withNodeOptions = (entry: string[], extra: string[]) => {
    const [node, ...args] = entry;
    return [node!, ...extra, ...args];
  };
  // Chief's processes write a CPU profile each when they stop (node --cpu-prof).
  const chiefEntry = (script: string) => withNodeOptions(tsxEntry(script), options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []);
  const services: SpawnedService[] = [];
  const started = (name: string, service: SpawnedService): BenchProcess => {
    services.push(service);
    // Node prints where its inspector listens on stderr, before the service is ready.
    const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(service.output())?.[1];
    return { name, url: service.url, pid: service.process.pid!, ...(inspector ? { inspector } : {}) };
  };
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
  };
  try {
    const embeddedDatabase = options.databaseUrl ? undefined : started('database', await spawnService(tsxEntry('test/bench/support/embeddedDatabase.ts'), {}));
    const databaseUrl = options.databaseUrl ?? embeddedDatabase!.url;
    const env = { AUTH_JWT_SECRET: TEST_ENV.AUTH_JWT_SECRET, SUBGRAPH_SECRET: TEST_ENV.SUBGRAPH_SECRET, METRICS_TOKEN: randomBytes(16).toString('hex') };
    const shared = {
      ...env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATABASE_EMBEDDED: String(!options.databaseUrl),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      API_KEY_SECRET: randomBytes(32).toString('base64'),
      // The benchmark measures the request path, not the limiter's refusals.
      RATE_LIMIT_USER_MAX: '100000000',
      RATE_LIMIT_KEY_MAX: '100000000',
      ...options.env,
    };
    const startSubgraph = async (name: SubgraphName, extra: Record<string, string> = {}) =>
      started(name, await spawnService(chiefEntry(`subgraphs/${name}/src/main.ts`), { ...shared, [subgraphVariables(name).port]: '0', ...extra }, { discardOutput: true }));
    const subgraphs: BenchStack['subgraphs'] = [];
    // One after the other: each runs the migrations at start-up.
    for (const name of subgraphNames) subgraphs.push({ ...(await startSubgraph(name)), name });
    const gatewayEnv = {
      ...shared,
      GATEWAY_PORT: '0',
      SUPERGRAPH_SOURCE: 'file',
      SUPERGRAPH_PATH: 'schema/supergraph.graphql',
      ...Object.fromEntries(subgraphs.map(({ name, url }) => [subgraphVariables(name).url, url])),
    };
    const gateways = {} as Record<GatewayName, BenchProcess>;
    const names: readonly GatewayName[] = options.gateways ?? gatewayNames;
    for (const name of names) {
      const entry = name === 'chief' ? chiefEntry(gatewayEntries[name]) : tsxEntry(gatewayEntries[name]);
      gateways[name] = started(name, await spawnService(options.inspect ? withNodeOptions(entry, ['--inspect=127.0.0.1:0']) : entry, gatewayEnv, { discardOutput: true }));
    }
    return { databaseUrl, embeddedDatabase, subgraphs, gateways: gateways as Record<G, BenchProcess>, env, startSubgraph, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
