export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startUp } = await import('./lib/startup');
    try {
      await startUp();
    } catch (error) {
      // Next would log this and keep serving a portal that cannot work: stop, saying why.
      console.error(`The App Store cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
}
