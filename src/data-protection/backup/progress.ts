/** Progress on stderr: in place on a terminal, at most every two seconds otherwise. */
export function progressLine(label: string): (bytes: number, done: boolean) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (bytes, done) => {
    const now = Date.now();
    if (!done && now - last < (tty ? 200 : 2000)) return;
    last = now;
    const line = `${label}: ${(bytes / 1048576).toFixed(1)} MB${done ? ' done' : ''}`;
    process.stderr.write(tty && !done ? `\r${line}` : `${tty ? '\r' : ''}${line}\n`);
  };
}
