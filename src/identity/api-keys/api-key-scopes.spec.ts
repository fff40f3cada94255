import { ApiError } from '../../platform/errors/api-error';
import { MEMBER_DEFAULT_PERMISSIONS } from '../../platform/auth/scopes';
import { resolveKeyScopes } from './api-key-scopes';

function refusal(fn: () => unknown): { status: number; code: string; param?: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.getStatus(), code: error.body.code, param: error.body.param };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resolveKeyScopes', () => {
  const everything = ['*'];

  it('defaults to ["*"] for a caller holding everything', () => {
    expect(resolveKeyScopes(undefined, everything)).toEqual(['*']);
  });

  it('keeps granular scopes and collapses duplicates', () => {
    expect(resolveKeyScopes(['cdrs:read', 'numbers:write', 'cdrs:read'], everything)).toEqual(['cdrs:read', 'numbers:write']);
  });

  it('refuses unknown scopes, an empty list and "*" next to other scopes with 400 on scopes', () => {
    for (const requested of [['cdrs:write'], [], ['*', 'cdrs:read'], ['CDRS:READ']]) {
      expect(refusal(() => resolveKeyScopes(requested, everything))).toEqual({ status: 400, code: 'parameter_invalid', param: 'scopes' });
    }
  });

  it('never gives a key more power than its creator holds', () => {
    const member = [...MEMBER_DEFAULT_PERMISSIONS];
    expect(resolveKeyScopes(['numbers:read'], member)).toEqual(['numbers:read']);
    expect(refusal(() => resolveKeyScopes(['cdrs:read'], member))).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(refusal(() => resolveKeyScopes(['*'], member))).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(refusal(() => resolveKeyScopes(undefined, member))).toMatchObject({ status: 403, code: 'insufficient_permissions' });
  });
});
