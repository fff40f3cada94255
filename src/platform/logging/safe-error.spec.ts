import { safeError } from './safe-error';

describe('safeError', () => {
  it('keeps the code and the first line of the message, with values a database or mail error quotes masked', () => {
    const error = Object.assign(new Error('duplicate key: Key (document)=(C01X00T47) already exists for ada@example.com, +44 20 7946 0958\nsecond line'), { code: '23505' });
    const logged = safeError(error);
    expect(logged).toMatchObject({ name: 'Error', code: '23505', message: 'duplicate key: Key (document)=([value]) already exists for [email], [number]' });
    expect(JSON.stringify(logged)).not.toMatch(/C01X00T47|ada@example|7946|second line/);
  });

  it('reads errors made in another realm (no instanceof Error), and names non-errors by type only', () => {
    expect(safeError({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' })).toMatchObject({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:6379',
    });
    expect(safeError('a string with secrets')).toEqual({ name: 'string' });
  });
});
