import type { DestinationStream } from 'pino';

const LEVELS: Record<string, string> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR', fatal: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'service', 'request_id', 'pid', 'hostname']);

function show(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One JSON log line as a line for people: `2026-12-01 09:15:04.123 INFO  message key=value … [req_…]`. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(0, 23).replace('T', ' ') : '';
  const level = LEVELS[String(entry.level)] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([key, value]) => !OMIT.has(key) && value !== undefined)
    .map(([key, value]) => {
      if (key === 'stack' || key === 'trace') return `\n    ${String(value).split('\n').join('\n    ')}`;
      return `${key}=${show(value)}`;
    });
  const requestId = typeof entry.request_id === 'string' ? ` [${entry.request_id}]` : '';
  return `${time} ${level} ${typeof entry.msg === 'string' ? entry.msg : JSON.stringify(entry.msg ?? '')}${fields.length ? ' ' + fields.join(' ') : ''}${requestId}\n`;
}

/** Development log format (LOG_FORMAT=pretty); production writes the JSON lines unchanged. */
export function prettyDestination(out: DestinationStream): DestinationStream {
  return { write: (line: string) => out.write(prettyLine(line.trimEnd())) };
}
