/**
 * What of an unexpected error may reach the logs: its class, code and call stack — not its
 * message, which for database and mail errors can quote the values involved (addresses, tokens).
 */
export function safeError(error: unknown): { name: string; code?: unknown; stack?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const frames = error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 12);
  return { name: error.name, code: (error as { code?: unknown }).code, stack: frames?.join('\n') };
}
