/**
 * What of an unexpected error may reach the logs: its class, code, message and call stack. The
 * message is the first line only, with e-mail addresses and long digit runs (phone numbers,
 * document numbers) masked: database and mail errors can quote the values involved.
 */
export function safeError(error: unknown): { name: string; code?: unknown; message?: string; stack?: string } {
  // Duck-typed: errors made by Node's own sockets in another realm (a test VM) fail `instanceof Error`.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return { name: typeof error };
  const frames = (error as Error).stack?.split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 12);
  return { name: String((error as Error).name ?? 'Error'), code: (error as { code?: unknown }).code, message: maskMessage((error as Error).message), stack: frames?.join('\n') };
}

function maskMessage(message: string): string {
  return message
    .split('\n')[0]
    .slice(0, 300)
    // PostgreSQL's "Key (column)=(value)" quotes the row's value.
    .replace(/\(([^()]*)\)=\([^)]*\)/g, '($1)=([value])')
    .replace(/[^\s@"'<>(),;]+@[^\s@"'<>(),;]+/g, '[email]')
    .replace(/\+?\d[\d ()-]{5,}\d/g, '[number]');
}
