import { describe, expect, test } from 'vitest';
import { isSecretKey, isSecretName } from './secrets';

describe('isSecretName', () => {
  test.each(['h2oai-mlops', 'heap-analytics', 'a', 'a.b-c', '0day', 'x'.repeat(63)])('%s is a secret name', (s) => {
    expect(isSecretName(s)).toBe(true);
  });
  test.each(['', 'SecretName', '-a', 'a-', 'a..b', 'a_b', '.a', 'a.', 'a b', 'x'.repeat(64)])('%j is not', (s) => {
    expect(isSecretName(s)).toBe(false);
  });
});

describe('isSecretKey', () => {
  test.each(['license.sig', 'accessKey', 'open_ai_key', 'h2ogpte-key', '.hidden', 'x'.repeat(253)])('%s is a key', (s) => {
    expect(isSecretKey(s)).toBe(true);
  });
  test.each(['', '.', '..', 'a/b', 'a b', 'ключ', 'x'.repeat(254)])('%j is not', (s) => {
    expect(isSecretKey(s)).toBe(false);
  });
});
