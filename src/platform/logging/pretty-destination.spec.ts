import { createLogger } from './logger';
import { requestScope } from '../request/request-scope';

describe('log formats', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, destination: { write: (line: string) => void lines.push(line) } };
  };

  it('writes one readable line per entry in development, with the request id of the request being served', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ logLevel: 'info', logFormat: 'pretty' }, destination);
    requestScope.run({ requestId: 'req_abc' }, () => logger.info({ subject: 'Verify your email', file: '/data/mail/x.eml' }, 'mail written'));
    logger.warn('no request here');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO {2}mail written subject="Verify your email" file=\/data\/mail\/x\.eml \[req_abc\]\n$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} WARN {2}no request here\n$/);
  });

  it('writes JSON lines in production, still redacting credentials', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, destination);
    requestScope.run({ requestId: 'req_def' }, () => logger.info({ body: { password: 'hunter2 hunter2' } }, 'hello'));
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', msg: 'hello', request_id: 'req_def', service: 'didhub-api', body: { password: '[redacted]' } });
  });
});
