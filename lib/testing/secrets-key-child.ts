// Child process for crypto.test.ts: prints the secrets key this process ends up with (DATA_DIR from the env).
// With `wait`, it stops right after its check that the key file exists (printing `checked`) until the
// parent sends a line on stdin: the parent lets every process pass the check while there is no file,
// then releases them one by one, so each creates its key while another's may already be in place.
import fs from 'node:fs';
import { KEY_FILE_NAME, secretsKey } from '@/lib/secrets/crypto';

if (process.argv[2] === 'wait') {
  const existsSync = fs.existsSync;
  fs.existsSync = (file: fs.PathLike) => {
    const exists = existsSync(file);
    if (String(file).endsWith(KEY_FILE_NAME)) {
      fs.writeSync(1, `checked ${exists}\n`);
      fs.readSync(0, Buffer.alloc(64)); // blocks until the parent's line arrives
    }
    return exists;
  };
}

fs.writeSync(1, `key ${secretsKey().toString('hex')}\n`);
