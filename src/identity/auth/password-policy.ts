export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** The most common passwords of at least ten characters (lower-case); a small deny list, not a dictionary. */
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  '0987654321',
  '12345678910',
  '123456789a',
  'a123456789',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwerty1234',
  'qwerty123456',
  'asdfghjkl1',
  'password12',
  'password123',
  'password1234',
  'passw0rd12',
  'p@ssw0rd12',
  'iloveyou12',
  'letmein123',
  'welcome123',
  'changeme123',
  'administrator',
  'football123',
  'baseball123',
  'abcdefghij',
  'abcd123456',
  'abc1234567',
  'trustno1234',
  'sunshine123',
  'princess123',
  'didhub1234',
  'didhub12345',
]);

/**
 * Why a password is too weak to accept, or null. Length bounds are checked by the DTO; this
 * adds what a length check cannot see.
 */
export function passwordWeakness(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  const lower = password.toLowerCase();
  if (/^(.)\1*$/su.test(password)) return 'must not repeat a single character.';
  if (COMMON_PASSWORDS.has(lower)) return 'is one of the most common passwords; choose another.';
  const local = email.split('@')[0];
  if (lower === email || lower === local) return 'must not be your email address.';
  return null;
}
