export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // A render worker (server.ts, RENDER_WORKERS) only renders pages: the start-up jobs are the primary's.
    const { isRenderWorker } = await import('./lib/render/role');
    if (isRenderWorker()) {
      // It renders catalog pages: the cards' words and indexes for its first search, once it runs (lib/catalog/search-warm-up.ts).
      (await import('./lib/catalog/search-warm-up')).warmSearchLater(2000);
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
