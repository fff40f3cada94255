import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/route-auth';

const EXPIRY_DAYS = 180;

/** RFC 9116. Expires is computed from start-up so a running service never serves a stale file. */
export function securityTxt(now: Date): string {
  const expires = new Date(now.getTime() + EXPIRY_DAYS * 86400_000);
  expires.setUTCHours(0, 0, 0, 0);
  return [
    'Contact: mailto:security@didhub.io',
    `Expires: ${expires.toISOString()}`,
    'Preferred-Languages: en',
    'Policy: https://didhub.io/security',
    'Canonical: https://api.didhub.io/.well-known/security.txt',
    '',
  ].join('\n');
}

@ApiExcludeController()
@Controller('.well-known')
@Public()
export class SecurityTxtController {
  private readonly body = securityTxt(new Date());

  @Get('security.txt')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  get(): string {
    return this.body;
  }
}
