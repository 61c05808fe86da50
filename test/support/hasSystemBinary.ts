import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The path of an executable: `name` itself when absolute, else the first match on PATH. */
function find(name: string): string | undefined {
  const candidates = isAbsolute(name) ? [name] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Whether a suite that runs a system binary (redis-server, chromium) can run here. On a machine
 * without it, the suite is skipped with one line saying what to install; under CI=true a missing
 * binary fails the suite instead, so CI never skips silently.
 */
export function hasSystemBinary(name: string, debianPackage: string, suite: string): boolean {
  if (find(name)) return true;
  const message = `${suite} needs ${name}: install it with apt-get install ${debianPackage}`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a missing binary is a failure, not a skip)`);
  console.warn(`skipped: ${message}`);
  return false;
}
