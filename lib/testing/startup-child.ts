// Child process for the start-up tests: runs the server's start-up (lib/startup.ts, what instrumentation.ts
// runs) with the working folder given as its argument, whose db/migrations are the migrations it applies.
// Prints `started` when the start-up finished; a start-up that fails exits on its own.
import { startUp } from '@/lib/startup';

process.chdir(process.argv[2]);
await startUp();
console.log('started');
process.exit(0);
