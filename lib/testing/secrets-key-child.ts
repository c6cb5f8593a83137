// Child process for crypto.test.ts: prints the secrets key this process ends up with (DATA_DIR from the env).
import { secretsKey } from '@/lib/secrets/crypto';

console.log(`key ${secretsKey().toString('hex')}`);
