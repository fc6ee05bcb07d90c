// A form definition compiled to its validators and JSON Schema, cached by the definition's
// sha256 (bounded, least recently used first out).
import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../../../core/errors/validation-error.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { definitionSha256 } from './definition-hash.js';
import { definitionJsonSchema, type JsonSchema } from './definition-json-schema.js';
import { fieldValueSchema, type FormFieldValue } from './field-value-schemas.js';
import { FormDefinitionSchema, leavesOf, type FormCondition, type FormDefinition, type FormField, type FormLeafCondition } from './form-definition.js';

/** Submitted values by field key. */
export type FormValues = Readonly<Record<string, FormFieldValue>>;

/**
 * How much to check: `submit` checks everything (types and limits, required fields, and that
 * hidden fields are absent); `draft` checks only the values given (types and limits): a draft may
 * leave required fields out and hold values of fields that are hidden for now.
 */
export type FormValidationMode = 'submit' | 'draft';

/** A definition compiled once: its validators, its JSON Schema and its sensitive fields. */
export interface CompiledFormDefinition {
  /** The definition's sha256 (its cache key). */
  readonly sha256: string;
  /** The definition as the meta-schema returned it. */
  readonly definition: FormDefinition;
  /** Every field in order (over all pages). */
  readonly fields: readonly FormField[];
  /** The keys of the fields marked `sensitive`. */
  readonly sensitiveKeys: readonly string[];
  /** The JSON Schema (draft 2020-12) of a complete submission's values, for front ends. */
  readonly jsonSchema: JsonSchema;
  /**
   * Validates values: the values as stored (−0 as 0), or a ValidationError whose paths are
   * `values.<field key>` (never the values).
   * @throws ValidationError; also (path `mode`) for a mode other than `submit` or `draft`.
   */
  validate(values: unknown, mode: FormValidationMode): FormValues;
  /** The keys of the fields shown for these (valid) values, in order. */
  visibleKeys(values: FormValues): readonly string[];
}

const CACHE_SIZE = 256;
const cache = new Map<string, CompiledFormDefinition>();

function holds(leaf: FormLeafCondition, field: FormField | undefined, value: FormFieldValue | undefined): boolean {
  const matches = (candidate: string | number | boolean) =>
    value !== undefined && (field?.type === 'multiselect' && Array.isArray(value) ? value.includes(candidate as string) : value === candidate);
  if ('equals' in leaf) return matches(leaf.equals);
  if ('notEquals' in leaf) return !matches(leaf.notEquals);
  return leaf.in.some(matches);
}

function visible(condition: FormCondition | undefined, fields: ReadonlyMap<string, FormField>, values: FormValues): boolean {
  if (!condition) return true;
  const test = (leaf: FormLeafCondition) => holds(leaf, fields.get(leaf.field), Object.hasOwn(values, leaf.field) ? values[leaf.field] : undefined);
  if ('all' in condition) return condition.all.every(test);
  if ('any' in condition) return condition.any.some(test);
  return test(condition);
}

function compile(definition: FormDefinition, sha256: string): CompiledFormDefinition {
  const fields = definition.pages.flatMap((page) => page.fields);
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const schemas = new Map<string, z.ZodType<FormFieldValue>>(fields.map((field) => [field.key, fieldValueSchema(field)]));
  let jsonSchema: JsonSchema | undefined;

  const visibleKeys = (values: FormValues) => fields.filter((field) => visible(field.visibleWhen, byKey, values)).map((field) => field.key);

  return Object.freeze({
    sha256,
    definition,
    fields,
    sensitiveKeys: Object.freeze(fields.filter((field) => field.sensitive === true).map((field) => field.key)),
    get jsonSchema() {
      jsonSchema ??= definitionJsonSchema(definition);
      return jsonSchema;
    },
    visibleKeys(values: FormValues) {
      return visibleKeys(validateAt(values, 'draft', 'values'));
    },
    validate(values: unknown, mode: FormValidationMode) {
      return validateAt(values, mode, 'values');
    },
  });

  function validateAt(values: unknown, mode: FormValidationMode, argument: string): FormValues {
    if (mode !== 'submit' && mode !== 'draft') throw new ValidationError([{ path: 'mode', message: 'must be submit or draft' }]);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ValidationError([{ path: argument, message: 'must be an object of values by field key' }]);
    }
    const issues: ValidationIssue[] = [];
    const out: Record<string, FormFieldValue> = {};
    // A getter or proxy that throws is the caller's input, not the package's failure.
    const unreadable = () => new ValidationError([{ path: argument, message: 'could not be read (a property threw)' }]);
    let keys: string[];
    try {
      keys = Object.keys(values);
    } catch {
      throw unreadable();
    }
    for (const key of keys) {
      let value: unknown;
      try {
        value = (values as Record<string, unknown>)[key];
      } catch {
        throw unreadable();
      }
      const schema = schemas.get(key);
      if (!schema) {
        const keyLike = key.length <= 63 && /^[a-z][a-z0-9_]*$/.test(key);
        issues.push({ path: keyLike ? `${argument}.${key}` : argument, message: 'is not a field of the form' });
        continue;
      }
      if (value === undefined) continue;
      let result: ReturnType<typeof schema.safeParse>;
      try {
        result = schema.safeParse(value);
      } catch {
        throw unreadable();
      }
      if (result.success) out[key] = result.data;
      else for (const issue of result.error.issues) issues.push({ path: [argument, key, ...issue.path.map(String)].join('.'), message: issue.message });
    }
    if (mode === 'submit' && issues.length === 0) {
      for (const field of fields) {
        const given = Object.hasOwn(out, field.key);
        if (!visible(field.visibleWhen, byKey, out)) {
          if (given) issues.push({ path: `${argument}.${field.key}`, message: 'must be absent: the field is hidden by its condition' });
        } else if (field.required === true && !given) {
          issues.push({ path: `${argument}.${field.key}`, message: 'is required' });
        }
      }
    }
    if (issues.length > 0) throw new ValidationError(issues);
    return out;
  }
}

/**
 * Validates `definition` with the meta-schema and compiles it, or returns the compiled form
 * cached for its sha256 (the last 256 definitions compiled stay cached).
 * @throws ValidationError (paths under `argument`, e.g. `definition.pages.0.fields.2.key`) for
 *   a definition the meta-schema refuses.
 */
export function compileFormDefinition(definition: unknown): CompiledFormDefinition {
  return compileDefinitionAt(definition, 'definition');
}

/** {@link compileFormDefinition} with the issues' paths under `argument`. */
export function compileDefinitionAt(definition: unknown, argument: string): CompiledFormDefinition {
  const parsed = parsedUnder(definition, argument);
  return compiledFor(parsed, definitionSha256(parsed));
}

/** The meta-schema's output for `definition`, its issues' paths under `argument`. */
function parsedUnder(definition: unknown, argument: string): FormDefinition {
  try {
    return parseInput(FormDefinitionSchema, definition, argument);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.issues.map((issue) => ({ path: issue.path === argument ? argument : `${argument}.${issue.path}`, message: issue.message })));
  }
}

/**
 * The compiled form of a stored form version (`forms.getVersion`, `forms.getPublishedVersion`):
 * from the cache when its sha256 is there, otherwise validated by the meta-schema, checked
 * against its sha256, compiled and cached.
 * @throws ValidationError when the definition is not valid or does not hash to `definitionSha256`.
 */
export function compiledFormVersion(version: { readonly definition: unknown; readonly definitionSha256: string }): CompiledFormDefinition {
  if (typeof version !== 'object' || version === null) throw new ValidationError([{ path: 'version', message: 'must be a form version' }]);
  const sha256 = version.definitionSha256;
  const hit = typeof sha256 === 'string' ? cache.get(sha256) : undefined;
  if (hit) {
    cache.delete(sha256);
    cache.set(sha256, hit);
    return hit;
  }
  const parsed = parsedUnder(version.definition, 'version.definition');
  if (definitionSha256(parsed) !== sha256) {
    throw new ValidationError([{ path: 'version.definitionSha256', message: 'is not the sha256 of the definition' }]);
  }
  return compiledFor(parsed, sha256);
}

function compiledFor(definition: FormDefinition, sha256: string): CompiledFormDefinition {
  const hit = cache.get(sha256);
  if (hit) {
    cache.delete(sha256);
    cache.set(sha256, hit);
    return hit;
  }
  const compiled = compile(definition, sha256);
  cache.set(sha256, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return compiled;
}

/** Whether the definition of this sha256 is compiled and cached (for tests). */
export function isCompiled(sha256: string): boolean {
  return cache.has(sha256);
}
