import { CursorCodec } from './cursor';

describe('keyset cursors', () => {
  const codec = new CursorCodec('cursor-test-secret');

  it('round-trips the sort key of the last row', () => {
    const key = ['2026-11-29T10:00:00.000Z', 'cdr_abc'];
    expect(codec.decode('cdrs', codec.encode('cdrs', key))).toEqual(key);
  });

  it('refuses an edited, truncated or foreign cursor with 400 param cursor', () => {
    const cursor = codec.encode('cdrs', ['2026-11-29T10:00:00.000Z', 'cdr_abc']);
    const [payload, tag] = cursor.split('.');
    const edited = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'cdr_abc'])).toString('base64url');
    for (const bad of [`${edited}.${tag}`, payload, `${payload}.${tag}.x`, 'garbage', '']) {
      expect(() => codec.decode('cdrs', bad)).toThrow(expect.objectContaining({ body: expect.objectContaining({ param: 'cursor' }) }));
    }
    expect(() => codec.decode('sessions', cursor)).toThrow();
    expect(() => new CursorCodec('another-secret').decode('cdrs', cursor)).toThrow();
  });
});
