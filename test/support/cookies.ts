/** Every Set-Cookie header of a response (none → empty). */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  return ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
}

/** `didhub_sid=<value>` from a response that signed someone in; throws when none was set. */
export function sessionCookieOf(res: { headers: Record<string, unknown> }): string {
  const cookie = setCookies(res).find((c) => c.startsWith('didhub_sid='));
  if (!cookie) throw new Error('no didhub_sid cookie set');
  return cookie.split(';')[0];
}
