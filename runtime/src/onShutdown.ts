/**
 * Stops a process cleanly on SIGINT or SIGTERM: runs `stop` once, then exits 0 (1 if it failed).
 * Signals that arrive while stopping are ignored: a terminal's Ctrl-C or a process-group kill
 * reaches both tsx and its child, and tsx relays one more, which must not cut the stop short.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
