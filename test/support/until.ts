/** Waits until `check` holds, asking every `everyMs`; fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, { timeoutMs = 30_000, everyMs = 100, what = 'the condition' } = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
