import { MemoryCounters } from './memory-counters';

describe('MemoryCounters (fixed window, as the Redis store)', () => {
  const counters = new MemoryCounters();
  afterAll(() => counters.close());

  it('allows `limit` hits per window, refuses the next until the window ends, then starts afresh', () => {
    const t0 = 1_000_000;
    for (let i = 1; i <= 3; i++) expect(counters.increment('read:acct:a', 60_000, 3, t0 + i - 1)).toMatchObject({ totalHits: i, isBlocked: false });
    expect(counters.increment('read:acct:a', 60_000, 3, t0 + 10_000)).toEqual({ totalHits: 4, timeToExpire: 50, isBlocked: true, timeToBlockExpire: 50 });
    expect(counters.peek('read:acct:a', 60_000, t0 + 10_000)).toEqual({ used: 3, resetSeconds: 50 });
    expect(counters.increment('read:acct:a', 60_000, 3, t0 + 60_000)).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('keeps counters apart by key and never reports less than one second to wait', () => {
    const t0 = 5_000_000;
    expect(counters.increment('read:acct:b', 60_000, 1, t0)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(counters.increment('write:acct:b', 60_000, 1, t0)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(counters.increment('read:acct:b', 60_000, 1, t0 + 59_999)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    expect(counters.peek('read:acct:c', 60_000, t0)).toEqual({ used: 0, resetSeconds: 60 });
  });
});
