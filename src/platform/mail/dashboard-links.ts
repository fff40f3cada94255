/** Links in mails point at the dashboard; the token sits in the query as `token=<value>`. */
export function dashboardLink(origin: string, path: string, token: string): string {
  return `${origin}${path}?token=${encodeURIComponent(token)}`;
}
