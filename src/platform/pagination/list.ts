import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  // Plain decimal digits only: Number() would also read '0x10', '1e1' and ' 1' as numbers.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value))
  @Min(1)
  @Max(100)
  // Nearest the property: class-validator checks it first, so `limit=abc` says "must be an integer".
  @IsInt({ message: '$property must be an integer' })
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (`next_cursor`).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Builds a list page from `limit + 1` fetched rows: the extra row only says whether there is more.
 */
export function toListPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
): ListResponse<T> {
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return {
    object: 'list',
    data: page.map(map),
    has_more: hasMore,
    next_cursor: hasMore && page.length ? cursorOf(page[page.length - 1]) : null,
  };
}

export class ListEnvelopeDto {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty() has_more: boolean;
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}
