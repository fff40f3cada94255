import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';

const NESTED_TYPE = 'didhub:nested-type';

/**
 * A property holding another request class (or an array of them, `each`): validated as nested
 * (class-validator), instantiated as that class (class-transformer), and recorded where the
 * request-shape check reads it (`nestedTypeOf`) — class-transformer keeps its own record in a
 * storage its public API does not expose.
 */
export function Nested(type: () => Function, options: { each?: boolean } = {}): PropertyDecorator {
  const record: PropertyDecorator = (target, property) => Reflect.defineMetadata(NESTED_TYPE, type, target.constructor, property);
  return applyDecorators(ValidateNested({ each: options.each }), Type(type), record);
}

/** The class a @Nested property holds, or undefined. */
export function nestedTypeOf(dto: Function, property: string): Function | undefined {
  const type = Reflect.getMetadata(NESTED_TYPE, dto, property) as (() => Function) | undefined;
  return type?.();
}
