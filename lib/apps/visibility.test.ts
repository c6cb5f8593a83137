import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { parseVisibility, selectableVisibilities, visibilityChangeProblem, visibilitySchema } from './visibility';

describe('visibility', () => {
  it('parses the three values in any case, and names the field otherwise', () => {
    expect(parseVisibility('all_users')).toBe('ALL_USERS');
    expect(visibilitySchema.parse(' Public ')).toBe('PUBLIC');
    const error = (() => {
      try {
        parseVisibility('everyone', 'query.visibility');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe('INVALID_INPUT');
    expect(error?.errors).toEqual([{ path: 'query.visibility', message: 'Unknown visibility "everyone".' }]);
  });

  it('accepts PUBLIC newly chosen only in public mode, and an unchanged PUBLIC always', () => {
    expect(visibilityChangeProblem(null, 'PUBLIC', false)?.message).toMatch(/public mode/);
    expect(visibilityChangeProblem('PRIVATE', 'PUBLIC', false)?.path).toBe('visibility');
    expect(visibilityChangeProblem('PUBLIC', 'PUBLIC', false)).toBeNull();
    expect(visibilityChangeProblem('PRIVATE', 'PUBLIC', true)).toBeNull();
    expect(visibilityChangeProblem('PUBLIC', 'PRIVATE', false)).toBeNull();
    expect(selectableVisibilities('PUBLIC', false)).toEqual(['PRIVATE', 'ALL_USERS', 'PUBLIC']);
    expect(selectableVisibilities('ALL_USERS', false)).toEqual(['PRIVATE', 'ALL_USERS']);
    expect(selectableVisibilities(null, true)).toEqual(['PRIVATE', 'ALL_USERS', 'PUBLIC']);
  });
});
