import type { MailMessage } from '../../platform/mail/mail.service';
import { dashboardLink } from '../../platform/mail/dashboard-links';

/**
 * The texts of the sign-in mails. Links go to the dashboard, which posts the token back to the
 * API. Lines stay under 76 characters so the body goes out as plain 7bit text.
 */
export const AuthMails = {
  verifyEmail: (origin: string, to: string, token: string): MailMessage => ({
    to,
    subject: 'Verify your DIDHub email address',
    text: [
      'Welcome to DIDHub.',
      '',
      'Confirm your email address by opening this link within 24 hours:',
      '',
      dashboardLink(origin, '/verify-email', token),
      '',
      'If you did not sign up, ignore this mail.',
    ].join('\n'),
  }),

  alreadyRegistered: (origin: string, to: string, verifyToken: string | null): MailMessage => ({
    to,
    subject: 'You already have a DIDHub account',
    text: [
      'Someone, probably you, tried to sign up to DIDHub with this email',
      'address, which already has an account.',
      '',
      `Sign in at ${origin}/login`,
      'Forgot your password? Reset it at',
      `${origin}/forgot-password`,
      ...(verifyToken
        ? ['', 'Your address is not verified yet. Verify it within 24 hours:', '', dashboardLink(origin, '/verify-email', verifyToken)]
        : []),
      '',
      'If this was not you, ignore this mail: nothing has changed.',
    ].join('\n'),
  }),

  passwordReset: (origin: string, to: string, token: string): MailMessage => ({
    to,
    subject: 'Reset your DIDHub password',
    text: [
      'Choose a new DIDHub password with this link within one hour:',
      '',
      dashboardLink(origin, '/reset-password', token),
      '',
      'Resetting signs out every session. If you did not ask for this,',
      'ignore this mail: your password stays as it is.',
    ].join('\n'),
  }),
};
