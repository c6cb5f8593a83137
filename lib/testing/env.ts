// Test helper: change environment variables and have lib/config read them again (it reads them once).
import { reloadConfig } from '@/lib/config';

/** Sets (string) or removes (undefined) each variable, then reloads the configuration. */
export function setEnv(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  reloadConfig();
}
