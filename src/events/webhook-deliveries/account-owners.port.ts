/**
 * Who to warn before an endpoint is disabled: implemented by identity (which owns members and
 * users) and looked up at run time, because identity depends on this wing (it publishes events)
 * and this wing must not depend back on it.
 */
export abstract class AccountOwnersDirectory {
  abstract ownerEmails(accountId: string): Promise<string[]>;
}
