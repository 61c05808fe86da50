import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface SpawnedService {
  /** The URL the service logged once it was listening. */
  url: string;
  process: ChildProcess;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  /** SIGTERM to the process group, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** The command that runs a TypeScript entry point as its own Node process, through tsx's loader. */
export const tsxEntry = (script: string) => [process.execPath, '--import', 'tsx', script];

/**
 * Runs a command with exactly the given environment (plus PATH and HOME), and resolves once it
 * prints a line with a `url`: a JSON log line's `url` field (services log where they listen), or
 * `waitFor`'s first group. Rejects with the process' output if it exits or stays silent first.
 */
export function spawnService(
  command: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; waitFor?: RegExp; /** Once ready, read stdout without keeping it (a benchmark's access logs). */ discardOutput?: boolean } = {},
): Promise<SpawnedService> {
  const { timeoutMs = 60_000, waitFor, discardOutput = false } = options;
  const script = command.join(' ');
  const child = spawn(command[0]!, command.slice(1), {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, signalled as a whole the way a terminal's Ctrl-C is: `npm start`
    // runs the server two processes down (npm, sh, tsx), and npm alone would orphan it.
    detached: true,
  });
  const lines: string[] = [];
  const output = () => lines.join('\n');
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    // 'close' waits for every process holding its output, not only the direct child.
    const exited = once(child, 'close');
    process.kill(-child.pid!, 'SIGTERM');
    const [code] = (await exited) as [number | null];
    return code;
  };

  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${script}: ${reason}\n${output()}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => fail(`exited with ${code} before it was ready`));
    const stdout = createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const url = waitFor ? waitFor.exec(line)?.[1] : urlFromLog(line);
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (discardOutput) {
        stdout.close();
        child.stdout!.resume();
      }
      resolve({ url, process: child, output, stop });
    });
  });
}

function urlFromLog(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { url?: unknown };
    return typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined;
  }
}
