// The form-definition format (version 1) and its zod meta-schema: zod only, for
// `@org/data/schemas` too. A definition is data a tenant authors; everything in it is bounded
// and nothing in it runs: no regular expressions, no code. docs/forms.md describes the format.
import { z } from 'zod';
import { requiredText } from '../../../core/kernel/common-schemas.js';

/** The definition format this version of the package reads and writes. */
export const FORM_DEFINITION_FORMAT = 1;

/** The field types of format 1. */
export const FORM_FIELD_TYPES = Object.freeze([
  'text',
  'textarea',
  'email',
  'number',
  'integer',
  'boolean',
  'date',
  'select',
  'multiselect',
] as const);

/** A field type. */
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** Bounds of a definition (the meta-schema enforces them). */
export const FORM_DEFINITION_LIMITS = Object.freeze({
  /** Pages per definition. */
  pages: 50,
  /** Fields per definition, over all pages. */
  fields: 500,
  /** Options of a select or multiselect field. */
  options: 500,
  /** The longest `maxLength` of a text field. */
  textLength: 10_000,
  /** The longest `maxLength` of a textarea field. */
  textareaLength: 100_000,
  /** Values in a condition's `in` list. */
  conditionValues: 100,
  /** Conditions in an `all` or `any`. */
  conditions: 20,
});

/** The `maxLength` a text field has when it declares none. */
export const DEFAULT_TEXT_LENGTH = 1_000;
/** The `maxLength` a textarea field has when it declares none. */
export const DEFAULT_TEXTAREA_LENGTH = 10_000;

/** A field's or page's key: a lowercase identifier, e.g. `date_of_birth` (linear pattern). */
export const FormKeySchema = z
  .string()
  .max(63)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase letter followed by lowercase letters, digits or underscores');

// String.prototype.isWellFormed (Node 20+; not in the TypeScript lib this package targets).
const wellFormed = (value: string) => (value as unknown as { isWellFormed(): boolean }).isWellFormed();
/** Text PostgreSQL jsonb can store: no NUL (PgTextSchema) and no lone UTF-16 surrogate. */
const storable = <S extends z.ZodType<string>>(schema: S) => schema.refine(wellFormed, 'must not contain a lone surrogate');
const label = storable(requiredText(200));
const help = storable(requiredText(1000));
const isoDate = z.iso.date();
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const safeInteger = z.int();

/** A value a condition compares with: text (at most 200 characters), a finite number or a boolean. */
export const ConditionValueSchema = z.union([
  z
    .string()
    .max(200)
    .refine((v) => !v.includes('\u0000') && wellFormed(v), 'must not contain NUL or a lone surrogate'),
  finite,
  z.boolean(),
]);

/** A comparison of one earlier field's value. */
const LeafConditionSchema = z.union([
  z.object({ field: FormKeySchema, equals: ConditionValueSchema }).strict(),
  z.object({ field: FormKeySchema, notEquals: ConditionValueSchema }).strict(),
  z.object({ field: FormKeySchema, in: z.array(ConditionValueSchema).min(1).max(FORM_DEFINITION_LIMITS.conditionValues) }).strict(),
]);

/** A comparison of one earlier field's value (see {@link FormCondition}). */
export type FormLeafCondition = z.output<typeof LeafConditionSchema>;

/**
 * When a field is shown: a comparison of an earlier field's value, or all / any of several
 * comparisons (one level: comparisons inside `all`/`any`, no deeper nesting).
 *
 * A field whose value is absent (not given, or hidden) is equal to nothing: `equals` and `in`
 * are false, `notEquals` is true. For a multiselect field, `equals` means "includes" and `in`
 * "includes one of".
 */
export const FormConditionSchema = z.union([
  LeafConditionSchema,
  z.object({ all: z.array(LeafConditionSchema).min(1).max(FORM_DEFINITION_LIMITS.conditions) }).strict(),
  z.object({ any: z.array(LeafConditionSchema).min(1).max(FORM_DEFINITION_LIMITS.conditions) }).strict(),
]);

/** When a field is shown. */
export type FormCondition = z.output<typeof FormConditionSchema>;

const common = {
  /** Unique in the definition; the property of the submitted data. */
  key: FormKeySchema,
  /** What the person filling in sees. */
  label,
  /** Help text. */
  help: help.optional(),
  /** Must be given when the field is shown. (Default: false) */
  required: z.boolean().optional(),
  /** Stored encrypted, never in the submission's `data`, audit, events or logs. (Default: false) */
  sensitive: z.boolean().optional(),
  /** Shown only when this holds (otherwise it must be absent); always shown without it. */
  visibleWhen: FormConditionSchema.optional(),
};

const lengths = (max: number) => ({
  /** Fewest characters. */
  minLength: z.int().min(0).max(max).optional(),
  /** Most characters. */
  maxLength: z.int().min(1).max(max).optional(),
});

const OptionSchema = z
  .object({
    value: z
      .string()
      .min(1)
      .max(200)
      .refine((v) => !v.includes('\u0000') && wellFormed(v), 'must not contain NUL or a lone surrogate'),
    label,
  })
  .strict();

/** One field of a definition. */
export const FormFieldSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), ...common, ...lengths(FORM_DEFINITION_LIMITS.textLength) }).strict(),
  z.object({ type: z.literal('textarea'), ...common, ...lengths(FORM_DEFINITION_LIMITS.textareaLength) }).strict(),
  z.object({ type: z.literal('email'), ...common }).strict(),
  z.object({ type: z.literal('number'), ...common, min: finite.optional(), max: finite.optional() }).strict(),
  z.object({ type: z.literal('integer'), ...common, min: safeInteger.optional(), max: safeInteger.optional() }).strict(),
  z.object({ type: z.literal('boolean'), ...common }).strict(),
  z.object({ type: z.literal('date'), ...common, min: isoDate.optional(), max: isoDate.optional() }).strict(),
  z.object({ type: z.literal('select'), ...common, options: z.array(OptionSchema).min(1).max(FORM_DEFINITION_LIMITS.options) }).strict(),
  z
    .object({
      type: z.literal('multiselect'),
      ...common,
      options: z.array(OptionSchema).min(1).max(FORM_DEFINITION_LIMITS.options),
      minItems: z.int().min(0).max(FORM_DEFINITION_LIMITS.options).optional(),
      maxItems: z.int().min(1).max(FORM_DEFINITION_LIMITS.options).optional(),
    })
    .strict(),
]);

/** One field of a definition. */
export type FormField = z.output<typeof FormFieldSchema>;

/** A page: a titled group of fields, shown in order. */
export const FormPageSchema = z
  .object({
    /** Unique among the pages. */
    key: FormKeySchema,
    /** The page's heading. */
    title: label,
    /** Its fields, in order (at least one). */
    fields: z.array(FormFieldSchema).min(1).max(FORM_DEFINITION_LIMITS.fields),
  })
  .strict();

/** A page of a definition. */
export type FormPage = z.output<typeof FormPageSchema>;

type Issue = { path: (string | number)[]; message: string };

/** A condition's comparisons. */
export function leavesOf(condition: FormCondition): readonly FormLeafCondition[] {
  if ('all' in condition) return condition.all;
  if ('any' in condition) return condition.any;
  return [condition];
}

function comparedValues(leaf: FormLeafCondition): readonly (string | number | boolean)[] {
  if ('equals' in leaf) return [leaf.equals];
  if ('notEquals' in leaf) return [leaf.notEquals];
  return leaf.in;
}

/** Whether `value` is something a field of this type can hold (for a condition's values). */
function comparable(field: FormField, value: string | number | boolean): boolean {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'select':
    case 'multiselect':
      return typeof value === 'string' && field.options.some((option) => option.value === value);
    default:
      return typeof value === 'string';
  }
}

/** The checks across fields that zod's shapes cannot express. */
function checkDefinition(definition: { pages: FormPage[] }): Issue[] {
  const issues: Issue[] = [];
  const pageKeys = new Set<string>();
  const fields = new Map<string, FormField>();
  let count = 0;
  definition.pages.forEach((page, p) => {
    if (pageKeys.has(page.key)) issues.push({ path: ['pages', p, 'key'], message: 'is the key of an earlier page' });
    pageKeys.add(page.key);
    page.fields.forEach((field, f) => {
      const at = (...rest: (string | number)[]) => ['pages', p, 'fields', f, ...rest];
      count += 1;
      if (fields.has(field.key)) issues.push({ path: at('key'), message: 'is the key of an earlier field' });
      if ((field.type === 'text' || field.type === 'textarea') && field.minLength !== undefined) {
        const max = field.maxLength ?? (field.type === 'text' ? DEFAULT_TEXT_LENGTH : DEFAULT_TEXTAREA_LENGTH);
        if (field.minLength > max) issues.push({ path: at('minLength'), message: `must not exceed maxLength (${max} when not given)` });
      }
      if ((field.type === 'number' || field.type === 'integer' || field.type === 'date') && field.min !== undefined && field.max !== undefined && field.min > field.max) {
        issues.push({ path: at('min'), message: 'must not exceed max' });
      }
      if (field.type === 'select' || field.type === 'multiselect') {
        const values = new Set<string>();
        field.options.forEach((option, o) => {
          if (values.has(option.value)) issues.push({ path: at('options', o, 'value'), message: 'is the value of an earlier option' });
          values.add(option.value);
        });
        if (field.type === 'multiselect') {
          if (field.minItems !== undefined && field.maxItems !== undefined && field.minItems > field.maxItems) {
            issues.push({ path: at('minItems'), message: 'must not exceed maxItems' });
          }
          if (field.minItems !== undefined && field.minItems > values.size) {
            issues.push({ path: at('minItems'), message: 'must not exceed the number of options' });
          }
        }
      }
      if (field.visibleWhen) {
        const leaves = leavesOf(field.visibleWhen);
        const base = 'all' in field.visibleWhen ? ['all'] : 'any' in field.visibleWhen ? ['any'] : [];
        leaves.forEach((leaf, l) => {
          const path = base.length ? at('visibleWhen', base[0] as string, l) : at('visibleWhen');
          const target = fields.get(leaf.field);
          if (!target) {
            issues.push({ path: [...path, 'field'], message: 'must be the key of an earlier field' });
            return;
          }
          // Whether a field is shown would tell its condition's value: a plain field's presence
          // in the stored data must not reveal a sensitive value.
          if (target.sensitive === true && field.sensitive !== true) {
            issues.push({ path: [...path, 'field'], message: 'is sensitive: only a sensitive field may depend on it' });
          }
          comparedValues(leaf).forEach((value, v) => {
            if (!comparable(target, value)) {
              const key = 'equals' in leaf ? ['equals'] : 'notEquals' in leaf ? ['notEquals'] : ['in', v];
              issues.push({ path: [...path, ...key], message: `is not a value the ${target.type} field ${leaf.field} can hold` });
            }
          });
        });
      }
      fields.set(field.key, field);
    });
  });
  if (count > FORM_DEFINITION_LIMITS.fields) {
    issues.push({ path: ['pages'], message: `must hold at most ${FORM_DEFINITION_LIMITS.fields} fields in all` });
  }
  return issues;
}

/**
 * The meta-schema: a form definition of format 1. Keys are unique; a condition names an earlier
 * field (so visibility never loops) and compares it with values that field can hold; minimums
 * do not exceed maximums. Unknown properties are refused (a `pattern` too: tenant-authored
 * regular expressions are not accepted, see docs/forms.md).
 */
export const FormDefinitionSchema = z
  .object({
    /** The format: 1. */
    format: z.literal(FORM_DEFINITION_FORMAT),
    /** The pages, in order (at least one). */
    pages: z.array(FormPageSchema).min(1).max(FORM_DEFINITION_LIMITS.pages),
  })
  .strict()
  .check((ctx) => {
    for (const issue of checkDefinition(ctx.value)) {
      ctx.issues.push({ code: 'custom', input: undefined, path: issue.path, message: issue.message });
    }
  });

/** A form definition (format 1), as the meta-schema returns it. */
export type FormDefinition = z.output<typeof FormDefinitionSchema>;

/** A form definition as a caller writes it. */
export type FormDefinitionInput = z.input<typeof FormDefinitionSchema>;
