/** Resolves on Ctrl-C, SIGTERM or `stop` (tests): how a serving command (serve, env-server) waits to be stopped. */
export async function untilStopped(stop?: AbortSignal): Promise<void> {
  let done = () => {};
  await new Promise<void>((resolve) => {
    done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (stop?.aborted) done();
    stop?.addEventListener('abort', done, { once: true });
  });
  process.off('SIGINT', done);
  process.off('SIGTERM', done);
}
