import { isIdOf, newId, randomBase62 } from './ids';

describe('prefixed random ids', () => {
  it('carry their resource prefix and 22 base62 characters', () => {
    expect(newId('bundle')).toMatch(/^bun_[0-9A-Za-z]{22}$/);
    expect(newId('sipGateway')).toMatch(/^sipgw_[0-9A-Za-z]{22}$/);
    expect(isIdOf('user', newId('user'))).toBe(true);
    expect(isIdOf('user', newId('account'))).toBe(false);
  });

  it('do not repeat', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newId('cdr')));
    expect(ids.size).toBe(5000);
    expect(randomBase62(64)).toHaveLength(64);
  });
});
