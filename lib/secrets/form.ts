// Reads the secret forms' rows of key + value fields into a secret input, with errors per row field
// (`key-0`, `value-0`, …) so the form can put each message next to its field. Messages never hold a value.
import { secretKeyProblem } from '@/lib/manifest/secrets';
import { MAX_KEYS, MAX_VALUE_BYTES } from './input';

export function rowsToValues(
  keys: string[],
  values: string[],
): { values: Record<string, string>; fieldErrors: Record<string, string[]> } {
  const out: Record<string, string> = {};
  const fieldErrors: Record<string, string[]> = {};
  const rows = Math.max(keys.length, values.length);
  for (let i = 0; i < rows; i++) {
    const key = (keys[i] ?? '').trim();
    const value = values[i] ?? '';
    if (key === '' && value === '') continue;
    const keyProblem = key === '' ? 'Enter a key for this value.' : secretKeyProblem(key);
    if (keyProblem) fieldErrors[`key-${i}`] = [keyProblem];
    else if (Object.hasOwn(out, key)) fieldErrors[`key-${i}`] = [`Key "${key}" is given twice.`];
    if (value === '') fieldErrors[`value-${i}`] = ['Enter a value.'];
    else if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
      fieldErrors[`value-${i}`] = [`A value may hold at most ${MAX_VALUE_BYTES / 1024} KiB.`];
    }
    if (!fieldErrors[`key-${i}`] && !fieldErrors[`value-${i}`]) out[key] = value;
  }
  if (Object.keys(out).length + Object.keys(fieldErrors).length === 0) fieldErrors['key-0'] = ['Give at least one key and value.'];
  if (Object.keys(out).length > MAX_KEYS) fieldErrors.form = [`A secret holds at most ${MAX_KEYS} keys.`];
  return { values: out, fieldErrors };
}
