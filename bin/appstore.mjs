#!/usr/bin/env node
// The `appstore` command: a thin launcher that runs the TypeScript CLI in lib/cli/ through tsx.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../tsconfig.json', import.meta.url).pathname });
const { main } = await import('../lib/cli/main.ts');
const { processIo } = await import('../lib/cli/io.ts');
process.exitCode = await main(process.argv.slice(2), processIo(process.env));
