import { ApiProperty } from '@nestjs/swagger';

export class ReauthenticatedResponse {
  @ApiProperty({ description: 'The session.' }) id: string;
  @ApiProperty({ enum: ['session'] }) object: 'session';
  @ApiProperty({ format: 'date-time', description: 'Sensitive actions are allowed for 10 minutes from here.' })
  authenticated_at: string;
}

export function toReauthenticatedResponse(sessionId: string, at: Date): ReauthenticatedResponse {
  return { id: sessionId, object: 'session', authenticated_at: at.toISOString() };
}
