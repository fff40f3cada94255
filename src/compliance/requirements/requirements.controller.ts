import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { RequireScope } from '../../platform/auth/route-auth';
import { END_USER_TYPES, NUMBER_TYPES, REQUIREMENT_SETS, REQUIREMENTS_VERSION, type RequirementSet } from './requirements';

export class RequirementsQueryDto {
  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2.' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE.' })
  country?: string;

  @ApiPropertyOptional({ enum: NUMBER_TYPES })
  @IsOptional()
  @IsIn(NUMBER_TYPES, { message: `number_type must be one of ${NUMBER_TYPES.join(', ')}.` })
  number_type?: string;

  @ApiPropertyOptional({ enum: END_USER_TYPES })
  @IsOptional()
  @IsIn(END_USER_TYPES, { message: 'end_user_type must be individual or business.' })
  end_user_type?: string;
}

export interface RequirementsResponse {
  object: 'list';
  requirements_version: string;
  data: (RequirementSet & { object: 'requirement_set'; bundle_required: boolean })[];
  has_more: false;
  next_cursor: null;
}

@ApiTags('compliance')
@Controller('compliance/requirements')
export class RequirementsController {
  @Get()
  @RequireScope('compliance:read')
  @ApiOperation({
    summary: 'What a bundle needs, per country, number type and end-user type',
    description:
      'A versioned table (`requirements_version`). Each set lists machine-checkable requirements: `end_user_fields` ' +
      '(fields that must hold a value), `address_in_country`, `document` (one of `document_types`). A combination with ' +
      'no set needs no bundle; asking for an exact combination (all three filters) without a set answers one entry ' +
      'with `bundle_required: false` and no requirements.',
  })
  @ApiOkResponse({ description: 'The matching requirement sets.' })
  list(@Query() q: RequirementsQueryDto): RequirementsResponse {
    const sets = REQUIREMENT_SETS.filter(
      (s) =>
        (!q.country || s.country === q.country) &&
        (!q.number_type || s.number_type === q.number_type) &&
        (!q.end_user_type || s.end_user_type === q.end_user_type),
    ).map((s) => ({ object: 'requirement_set' as const, ...s, bundle_required: true }));
    if (sets.length === 0 && q.country && q.number_type && q.end_user_type) {
      sets.push({
        object: 'requirement_set',
        country: q.country,
        number_type: q.number_type as RequirementSet['number_type'],
        end_user_type: q.end_user_type as RequirementSet['end_user_type'],
        requirements: [],
        bundle_required: false,
      });
    }
    return { object: 'list', requirements_version: REQUIREMENTS_VERSION, data: sets, has_more: false, next_cursor: null };
  }
}
