import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CopyTextLinesDecoder } from './copy-text-lines.decoder';

async function decode(chunks: Buffer[]): Promise<Buffer> {
  return buffer(Readable.from(chunks).pipe(new CopyTextLinesDecoder()));
}

describe('COPY text output back to CSV lines', () => {
  const copied = Buffer.from('a,b\n"x\\\\y",\\t\\r\\n\\b\\f\\v\nzé€,end\n', 'utf8');
  const expected = Buffer.from('a,b\r\n"x\\y",\t\r\n\b\f\v\r\nzé€,end\r\n', 'utf8');

  it('unescapes every escape COPY writes and ends each row with CRLF', async () => {
    expect((await decode([copied])).equals(expected)).toBe(true);
  });

  it('gives the same bytes however the output is split into chunks', async () => {
    for (let cut = 1; cut < copied.length; cut++) {
      const out = await decode([copied.subarray(0, cut), copied.subarray(cut)]);
      expect(out.toString('hex')).toBe(expected.toString('hex'));
    }
    const bytes = [...copied].map((b) => Buffer.from([b]));
    expect((await decode(bytes)).equals(expected)).toBe(true);
  });

  it('passes rows without backslashes through unchanged apart from the CR', async () => {
    expect((await decode([Buffer.from('1,2\n3,4\n'), Buffer.from('5,6\n')])).toString()).toBe('1,2\r\n3,4\r\n5,6\r\n');
    expect((await decode([])).length).toBe(0);
  });

  it('fails on a NULL row, an unknown escape, or output cut inside an escape', async () => {
    await expect(decode([Buffer.from('ok\n\\N\n')])).rejects.toThrow('unexpected escape sequence');
    await expect(decode([Buffer.from('\\x41\n')])).rejects.toThrow('unexpected escape sequence');
    await expect(decode([Buffer.from('ok\\')])).rejects.toThrow('ended inside an escape');
  });
});
