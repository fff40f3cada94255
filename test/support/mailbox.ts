import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './test-app';

export interface StoredMail {
  to: string;
  subject: string;
  raw: string;
}

/** Mails the app wrote to MAIL_DIR (the no-SMTP default), oldest first. */
export function readMailbox(t: TestApp): StoredMail[] {
  const dir = t.config.mailDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';
      const quotedPrintable = /^Content-Transfer-Encoding: quoted-printable/mi.test(raw);
      const body = quotedPrintable
        ? raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        : raw;
      return { to: header('To'), subject: header('Subject'), raw: body };
    });
}

export function mailsTo(t: TestApp, address: string): StoredMail[] {
  return readMailbox(t).filter((m) => m.to.toLowerCase().includes(address.toLowerCase()));
}

/** The `token=<value>` from the newest mail to `address` (optionally with a subject containing `subject`). */
export function latestToken(t: TestApp, address: string, subject?: string): string {
  const mails = mailsTo(t, address).filter((m) => !subject || m.subject.includes(subject));
  const mail = mails[mails.length - 1];
  if (!mail) throw new Error(`no mail to ${address}${subject ? ` about "${subject}"` : ''}`);
  const match = /token=([A-Za-z0-9_.%-]+)/.exec(mail.raw);
  if (!match) throw new Error('mail has no token');
  return decodeURIComponent(match[1]);
}

/**
 * Mail that leaves after the response (password reset): waits until more than `countBefore`
 * mails to `address` about `subject` exist, then returns the newest one's token.
 */
export async function awaitNewToken(t: TestApp, address: string, subject: string, countBefore: number, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (mailsTo(t, address).filter((m) => m.subject.includes(subject)).length <= countBefore) {
    if (Date.now() > deadline) throw new Error(`no new mail to ${address} about "${subject}"`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latestToken(t, address, subject);
}

export function countMails(t: TestApp, address: string, subject: string): number {
  return mailsTo(t, address).filter((m) => m.subject.includes(subject)).length;
}
