import { ALL_SCOPES, isKnownScope } from '../../platform/auth/scopes';
import { CommonErrors } from '../../platform/errors/common-errors';
import { ApiKeyErrors } from './api-key-errors';

export const DEFAULT_KEY_SCOPES: readonly string[] = [ALL_SCOPES];

/**
 * The scopes a new key gets. `["*"]` when none are asked for. `"*"` stands alone: next to it a
 * granular scope would be meaningless and suggest a restriction that does not exist, so the
 * combination is refused rather than silently widened. Duplicates collapse. A key never gets a
 * scope its creator does not hold (`callerScopes` = effectiveScopes of the caller).
 */
export function resolveKeyScopes(requested: string[] | undefined, callerScopes: readonly string[]): string[] {
  if (requested === undefined) requested = [...DEFAULT_KEY_SCOPES];
  if (requested.length === 0) throw CommonErrors.invalidParam('scopes', 'scopes must contain at least one scope.');
  const unknown = requested.find((scope) => !isKnownScope(scope));
  if (unknown !== undefined) {
    throw CommonErrors.invalidParam('scopes', `Unknown scope: ${JSON.stringify(unknown).slice(0, 80)}.`);
  }
  const scopes = [...new Set(requested)];
  if (scopes.includes(ALL_SCOPES) && scopes.length > 1) {
    throw CommonErrors.invalidParam('scopes', '"*" grants every scope and cannot be combined with other scopes.');
  }
  if (!callerScopes.includes(ALL_SCOPES)) {
    const beyond = scopes.find((scope) => !callerScopes.includes(scope));
    if (beyond !== undefined) throw ApiKeyErrors.scopesExceedCaller(beyond);
  }
  return scopes;
}
