export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // A render worker (server.ts, RENDER_WORKERS) only renders pages: the start-up jobs are the primary's.
    const { isRenderWorker, setRenderWorkerWarmUp } = await import('./lib/render/role');
    if (isRenderWorker()) {
      // It renders catalog pages: the cards' words and indexes for its first search (lib/catalog/search-warm-up.ts),
      // built before it takes any (server.ts waits for them before telling the primary it is ready).
      setRenderWorkerWarmUp((await import('./lib/catalog/search-warm-up')).warmSearchInBackground());
      return;
    }
    const { startServing } = await import('./lib/startup');
    try {
      await startServing();
    } catch (error) {
      // Next would log this and keep serving a portal that cannot work: stop, saying why.
      console.error(`The App Store cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
}
