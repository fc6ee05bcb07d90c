// The JSON Schema (draft 2020-12) of a complete submission's values, built from a definition:
// what the compiled validator checks in `submit` mode, for front ends. Date bounds use the
// `formatMinimum`/`formatMaximum` keywords of ajv-formats (JSON Schema has none for dates).
// `format: "email"` is a hint: validators implement it more strictly than the package's linear
// shape check, which is the one the server applies.
import { DEFAULT_TEXT_LENGTH, DEFAULT_TEXTAREA_LENGTH, type FormCondition, type FormDefinition, type FormField, type FormLeafCondition } from './form-definition.js';

/** A JSON Schema document. */
export type JsonSchema = { readonly [keyword: string]: unknown };

function valueSchema(field: FormField): JsonSchema {
  const base = { title: field.label, ...(field.help === undefined ? {} : { description: field.help }) };
  const required = field.required === true;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const min = Math.max(field.minLength ?? 0, required ? 1 : 0);
      const max = field.maxLength ?? (field.type === 'text' ? DEFAULT_TEXT_LENGTH : DEFAULT_TEXTAREA_LENGTH);
      return { ...base, type: 'string', ...(min > 0 ? { minLength: min } : {}), maxLength: max };
    }
    case 'email':
      return { ...base, type: 'string', format: 'email', maxLength: 254 };
    case 'number':
      return { ...base, type: 'number', ...(field.min === undefined ? {} : { minimum: field.min }), ...(field.max === undefined ? {} : { maximum: field.max }) };
    case 'integer':
      // Safe integers only, as the validator: a JSON integer beyond 2^53 − 1 is not exact in JavaScript.
      return { ...base, type: 'integer', minimum: field.min ?? Number.MIN_SAFE_INTEGER, maximum: field.max ?? Number.MAX_SAFE_INTEGER };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'date':
      return {
        ...base,
        type: 'string',
        format: 'date',
        ...(field.min === undefined ? {} : { formatMinimum: field.min }),
        ...(field.max === undefined ? {} : { formatMaximum: field.max }),
      };
    case 'select':
      return { ...base, type: 'string', oneOf: field.options.map((option) => ({ const: option.value, title: option.label })) };
    case 'multiselect': {
      const min = Math.max(field.minItems ?? 0, required ? 1 : 0);
      return {
        ...base,
        type: 'array',
        items: { oneOf: field.options.map((option) => ({ const: option.value, title: option.label })) },
        uniqueItems: true,
        ...(min > 0 ? { minItems: min } : {}),
        ...(field.maxItems === undefined ? {} : { maxItems: field.maxItems }),
      };
    }
  }
}

function leafSchema(leaf: FormLeafCondition, fields: ReadonlyMap<string, FormField>): JsonSchema {
  const many = fields.get(leaf.field)?.type === 'multiselect';
  const has = (test: JsonSchema): JsonSchema => ({ required: [leaf.field], properties: { [leaf.field]: many ? { contains: test } : test } });
  if ('equals' in leaf) return has({ const: leaf.equals });
  if ('notEquals' in leaf) return { not: has({ const: leaf.notEquals }) };
  return has({ enum: leaf.in });
}

function conditionSchema(condition: FormCondition, fields: ReadonlyMap<string, FormField>): JsonSchema {
  if ('all' in condition) return { allOf: condition.all.map((leaf) => leafSchema(leaf, fields)) };
  if ('any' in condition) return { anyOf: condition.any.map((leaf) => leafSchema(leaf, fields)) };
  return leafSchema(condition, fields);
}

/** The JSON Schema of a complete submission's values for `definition`. */
export function definitionJsonSchema(definition: FormDefinition): JsonSchema {
  const fields = definition.pages.flatMap((page) => page.fields);
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const rules = fields
    .filter((field) => field.visibleWhen !== undefined)
    .map((field) => ({
      if: conditionSchema(field.visibleWhen as FormCondition, byKey),
      then: field.required === true ? { required: [field.key] } : true,
      else: { not: { required: [field.key] } },
    }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field.key, valueSchema(field)])),
    required: fields.filter((field) => field.required === true && field.visibleWhen === undefined).map((field) => field.key),
    additionalProperties: false,
    ...(rules.length > 0 ? { allOf: rules } : {}),
  };
}
