// The zod schema of one field's value, from its declaration. Strings must be storable as
// PostgreSQL jsonb text (no NUL, no lone surrogate); numbers are finite and −0 is stored as 0.
import { z } from 'zod';
import { EMAIL_SHAPE } from '../../../core/kernel/common-schemas.js';
import { DEFAULT_TEXT_LENGTH, DEFAULT_TEXTAREA_LENGTH, type FormField } from './form-definition.js';

/** A value of a submitted form field. */
export type FormFieldValue = string | number | boolean | readonly string[];

// String.prototype.isWellFormed (Node 20+; not in the TypeScript lib this package targets).
const wellFormed = (value: string) => (value as unknown as { isWellFormed(): boolean }).isWellFormed();
const storable = (value: string) => !value.includes('\u0000') && wellFormed(value);
const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(storable, 'must not contain NUL or a lone surrogate');
const noNegativeZero = (value: number) => (Object.is(value, -0) ? 0 : value);

/** The schema of `field`'s value; `required` makes an empty text invalid. */
export function fieldValueSchema(field: FormField): z.ZodType<FormFieldValue> {
  const required = field.required === true;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const max = field.maxLength ?? (field.type === 'text' ? DEFAULT_TEXT_LENGTH : DEFAULT_TEXTAREA_LENGTH);
      return text(Math.max(field.minLength ?? 0, required ? 1 : 0), max);
    }
    case 'email':
      return z.string().max(254).regex(EMAIL_SHAPE, 'must be an email address').refine(storable, 'must not contain NUL or a lone surrogate');
    case 'number': {
      let schema = z.number().refine(Number.isFinite, 'must be a finite number');
      if (field.min !== undefined) schema = schema.refine((v) => v >= (field.min as number), `must be at least ${field.min}`);
      if (field.max !== undefined) schema = schema.refine((v) => v <= (field.max as number), `must be at most ${field.max}`);
      return schema.transform(noNegativeZero);
    }
    case 'integer': {
      let schema = z.int();
      if (field.min !== undefined) schema = schema.min(field.min);
      if (field.max !== undefined) schema = schema.max(field.max);
      return schema.transform(noNegativeZero);
    }
    case 'boolean':
      return z.boolean();
    case 'date': {
      let schema = z.iso.date();
      if (field.min !== undefined) schema = schema.refine((v) => v >= (field.min as string), `must be on or after ${field.min}`);
      if (field.max !== undefined) schema = schema.refine((v) => v <= (field.max as string), `must be on or before ${field.max}`);
      return schema;
    }
    case 'select':
      return z.enum(field.options.map((option) => option.value) as [string, ...string[]]);
    case 'multiselect': {
      let schema = z.array(z.enum(field.options.map((option) => option.value) as [string, ...string[]]));
      const min = Math.max(field.minItems ?? 0, required ? 1 : 0);
      if (min > 0) schema = schema.min(min);
      if (field.maxItems !== undefined) schema = schema.max(field.maxItems);
      return schema.refine((values) => new Set(values).size === values.length, 'must not list an option twice');
    }
  }
}
