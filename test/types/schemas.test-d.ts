// Type tests of `@org/data/schemas` (entry: src/schemas.ts, package.json exports "./schemas").
import type { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import * as schemas from '../../src/schemas.js';
import {
  CreateClientInputSchema,
  CreateOrganizationInputSchema,
  parseInput,
  RegisterUserInputSchema,
  type CreateClientInput,
  type CreateOrganizationInput,
  type OrganizationSettings,
  type RegisterUserInput,
} from '../../src/schemas.js';

const input: unknown = {};

describe('@org/data/schemas', () => {
  it('exports zod schemas, parseInput and its constants: nothing else', () => {
    type Exports = typeof schemas;
    type NotASchema = { [K in keyof Exports as Exports[K] extends z.ZodType ? never : K]: Exports[K] };
    expectTypeOf<keyof NotASchema>().toEqualTypeOf<
      | 'parseInput'
      | 'CLIENT_STATUSES'
      | 'MAX_METADATA_BYTES'
      | 'API_KEY_ENVIRONMENTS'
      | 'TEAM_ROLES'
      | 'FORM_DEFINITION_FORMAT'
      | 'FORM_FIELD_TYPES'
      | 'FORM_DEFINITION_LIMITS'
      | 'WORKFLOW_DEFINITION_FORMAT'
      | 'WORKFLOW_DEFINITION_LIMITS'
      | 'WORKFLOW_ACTION_TYPES'
      | 'WORKFLOW_SUBMISSION_EVENTS'
      | 'WORKFLOW_NOTIFY_PRIORITIES'
      | 'WORKFLOW_END_STATUSES'
      | 'CRON_SHAPE'
      | 'DEFAULT_TEXT_LENGTH'
      | 'DEFAULT_TEXTAREA_LENGTH'
    >();
  });

  it('parseInput returns the output type of the schema it is given', () => {
    expectTypeOf(parseInput(CreateOrganizationInputSchema, input)).toEqualTypeOf<{
      slug: string;
      name: string;
      settings: OrganizationSettings;
    }>();
    expectTypeOf(parseInput(RegisterUserInputSchema, input)).toEqualTypeOf<z.output<typeof RegisterUserInputSchema>>();
  });

  it('the exported input types are what callers may pass (defaults and optionals left out)', () => {
    expectTypeOf<CreateOrganizationInput>().toEqualTypeOf<z.input<typeof CreateOrganizationInputSchema>>();
    expectTypeOf<CreateOrganizationInput['settings']>().toEqualTypeOf<OrganizationSettings | undefined>();
    expectTypeOf<RegisterUserInput>().toEqualTypeOf<z.input<typeof RegisterUserInputSchema>>();
    expectTypeOf<RegisterUserInput['birthdate']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<CreateClientInput>().toEqualTypeOf<z.input<typeof CreateClientInputSchema>>();
    expectTypeOf<CreateClientInput['status']>().toEqualTypeOf<'active' | 'inactive' | 'suspended' | undefined>();
  });
});
