/**
 * What accounts need to know and do about members' second factors (the member list, the
 * sign-in policy report, an admin's reset), declared here so `accounts/` never imports the MFA
 * or passkey features (which depend on sign-in, which depends on accounts). MfaModule implements it.
 */
export abstract class MemberFactors {
  /** Passkeys per user; users without any are absent. */
  abstract passkeyCounts(userIds: string[]): Promise<Map<string, number>>;

  /** Removes the user's TOTP, recovery codes and passkeys; says what was there. */
  abstract resetAll(userId: string): Promise<{ totp: boolean; passkeys: number }>;
}
