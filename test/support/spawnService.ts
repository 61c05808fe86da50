import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface SpawnedService {
  /** The URL the service logged once it was listening. */
  url: string;
  process: ChildProcess;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs a TypeScript entry point as its own Node process (through tsx's loader) with exactly the
 * given environment, and resolves once it logs a line with a `url` (services log where they
 * listen). Rejects with the process' output if it exits or stays silent first.
 */
export function spawnService(script: string, env: Record<string, string>, options: { timeoutMs?: number; waitFor?: RegExp } = {}): Promise<SpawnedService> {
  const { timeoutMs = 60_000, waitFor } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const output = () => lines.join('\n');
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
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
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const url = waitFor ? waitFor.exec(line)?.[1] : urlFromLog(line);
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
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
