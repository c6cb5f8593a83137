export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startUp } = await import('./lib/startup');
    try {
      await startUp();
    } catch (error) {
      // A portal that cannot apply its configuration must not serve: say why and stop.
      console.error(`App Store cannot start: ${(error as Error).message}`);
      process.exit(1);
    }
  }
}
