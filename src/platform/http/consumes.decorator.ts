import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiConsumes } from '@nestjs/swagger';

export const CONSUMES = 'didhub:consumes';

/**
 * The media types a route reads besides JSON: declared once for the OpenAPI document
 * (@ApiConsumes) and for the request-shape guard, so the two always agree.
 */
export function Consumes(...mediaTypes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(CONSUMES, mediaTypes), ApiConsumes(...mediaTypes));
}
