import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { AppRequest } from '../common/http/request-context';
import { MfaErrors } from './mfa-errors';
import { isRecentlyAuthenticated } from './reauthentication.service';

/**
 * Runs after the global AuthGuard (route guards always do), so the principal is there. For
 * routes whose body carries no proof of its own; routes that take `code`/`password` call
 * ReauthenticationService.assertRecent(principal, proof) instead.
 */
@Injectable()
export class RecentAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AppRequest>().didhub?.principal;
    if (!principal || !isRecentlyAuthenticated(principal)) throw MfaErrors.reauthenticationRequired();
    return true;
  }
}

/** The route needs a session signed in (or stepped up) within the last 10 minutes: 403 reauthentication_required otherwise. */
export const RequireRecentAuth = () =>
  applyDecorators(
    UseGuards(RecentAuthGuard),
    ApiForbiddenResponse({ description: 'reauthentication_required: call POST /v1/auth/reauthenticate first.' }),
  );
