// The form-definition language, by properties (no database): what the meta-schema accepts
// compiles; what the compiled validator accepts it returns equal (−0 as 0) and survives JSON;
// invalid definitions and values are ValidationErrors with paths, never other errors; drafts
// check types only; the compiled form is cached by the definition's sha256.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import {
  compiledFormVersion,
  compileFormDefinition,
  isCompiled,
  type CompiledFormDefinition,
} from '../../../../src/contexts/forms/definitions/compile-form-definition.js';
import { canonicalJson, definitionSha256 } from '../../../../src/contexts/forms/definitions/definition-hash.js';
import { FormDefinitionSchema } from '../../../../src/contexts/forms/definitions/form-definition.js';
import { expenseClaim, fieldsDefinition, fieldsValues } from '../../../helpers/form-definitions.js';
import { definitionArbitrary, valuesFor } from './definition-arbitraries.js';

const runs = { numRuns: 300 };
const issuesOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};
const normalized = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' && Object.is(v, -0) ? 0 : v]));

describe('form definitions', () => {
  it('any definition the meta-schema accepts compiles, with a JSON Schema of every field', () => {
    fc.assert(
      fc.property(definitionArbitrary, (definition) => {
        expect(FormDefinitionSchema.safeParse(definition).success).toBe(true);
        const compiled = compileFormDefinition(definition);
        const keys = definition.pages.flatMap((p) => p.fields.map((f) => f.key));
        expect(compiled.fields.map((f) => f.key)).toEqual(keys);
        expect(Object.keys(compiled.jsonSchema.properties as object)).toEqual(keys);
        expect(compiled.sensitiveKeys).toEqual(definition.pages.flatMap((p) => p.fields.filter((f) => f.sensitive === true).map((f) => f.key)));
      }),
      runs,
    );
  });

  it('values the validator accepts come back equal (−0 as 0), survive JSON, and pass as a draft too', () => {
    fc.assert(
      fc.property(
        definitionArbitrary.chain((definition) => {
          const compiled = compileFormDefinition(definition);
          return fc.tuple(fc.constant(compiled), valuesFor(compiled));
        }),
        ([compiled, values]) => {
          const out = compiled.validate(values, 'submit');
          expect(out).toEqual(normalized(values));
          expect(JSON.parse(JSON.stringify(out))).toEqual(out);
          expect(compiled.validate(values, 'draft')).toEqual(out);
        },
      ),
      runs,
    );
  });

  it('wrong values are ValidationErrors at values.<key>: a wrong type, a required field left out, a hidden field given, an unknown key', () => {
    fc.assert(
      fc.property(
        definitionArbitrary.chain((definition) => {
          const compiled = compileFormDefinition(definition);
          return fc.tuple(fc.constant(compiled), valuesFor(compiled), fc.nat());
        }),
        ([compiled, values, pick]) => {
          const field = compiled.fields[pick % compiled.fields.length]!;
          // A value of no field type.
          const wrong = issuesOf(() => compiled.validate({ ...values, [field.key]: { nested: true } }, 'submit'));
          expect(wrong.issues.map((i) => i.path)).toContain(`values.${field.key}`);
          expect(issuesOf(() => compiled.validate({ ...values, [field.key]: { nested: true } }, 'draft')).issues.map((i) => i.path)).toContain(`values.${field.key}`);
          // Unknown keys, even ones the prototype has (a key no field could have is not echoed).
          for (const [key, path] of [['not_a_field', 'values.not_a_field'], ['constructor', 'values.constructor'], ['toString', 'values'], ['x'.repeat(64), 'values']]) {
            if (compiled.fields.some((f) => f.key === key)) continue;
            expect(issuesOf(() => compiled.validate({ ...values, [key as string]: 'x' }, 'draft')).issues[0]!.path).toBe(path);
          }
          const shown = compiled.visibleKeys(compiled.validate(values, 'submit'));
          if (shown.includes(field.key) && field.required === true) {
            const { [field.key]: _, ...rest } = values;
            const missing = issuesOf(() => compiled.validate(rest, 'submit'));
            // Leaving it out may hide later fields that were given: those are reported too.
            expect(missing.issues).toContainEqual({ path: `values.${field.key}`, message: 'is required' });
            // A draft may leave required fields out.
            if (!missing.issues.some((i) => i.message.startsWith('must be absent'))) expect(() => compiled.validate(rest, 'draft')).not.toThrow();
          }
        },
      ),
      runs,
    );
  });

  it('a 50-field definition (every type) compiles, accepts its values, and refuses each required one left out', () => {
    const compiled = compileFormDefinition(fieldsDefinition(50));
    const values = fieldsValues(50);
    expect(compiled.validate(values, 'submit')).toEqual(values);
    for (const field of compiled.fields.filter((f) => f.required === true)) {
      const { [field.key]: _, ...rest } = values;
      expect(issuesOf(() => compiled.validate(rest, 'submit')).issues).toEqual([{ path: `values.${field.key}`, message: 'is required' }]);
    }
    expect(issuesOf(() => compiled.validate(values, 'final' as never)).issues).toEqual([{ path: 'mode', message: 'must be submit or draft' }]);
  });

  it('hidden fields must be absent when submitted; a draft may hold them', () => {
    const compiled = compileFormDefinition(expenseClaim());
    const values = { amount: 12.5, category: 'travel', other_reason: 'taxi', iban: 'DE89370400440532013000' };
    const error = issuesOf(() => compiled.validate(values, 'submit'));
    expect(error.issues).toEqual([{ path: 'values.other_reason', message: 'must be absent: the field is hidden by its condition' }]);
    expect(compiled.validate(values, 'draft')).toEqual(values);
    expect(compiled.validate({ ...values, category: 'other' }, 'submit')).toMatchObject({ other_reason: 'taxi' });
    const required = issuesOf(() => compiled.validate({ amount: 1, category: 'other', iban: 'x' }, 'submit'));
    expect(required.issues).toEqual([{ path: 'values.other_reason', message: 'is required' }]);
    // Not an object; null; an array: one issue at the argument.
    for (const bad of [null, 'text', [1], 3]) expect(issuesOf(() => compiled.validate(bad, 'submit')).issues).toEqual([{ path: 'values', message: 'must be an object of values by field key' }]);
    // Strings PostgreSQL jsonb cannot store are refused.
    for (const text of ['a\u0000b', 'lone \ud800 surrogate']) {
      expect(issuesOf(() => compiled.validate({ ...values, category: 'travel', other_reason: undefined, notes: text }, 'draft')).issues[0]!.path).toBe('values.notes');
    }
    // A getter or a proxy that throws: a ValidationError, never the raw error.
    const throwing = Object.defineProperty({}, 'amount', { enumerable: true, get: () => { throw new TypeError('boom'); } });
    expect(issuesOf(() => compiled.validate(throwing, 'submit')).issues).toEqual([{ path: 'values', message: 'could not be read (a property threw)' }]);
    const proxy = new Proxy({}, { ownKeys: () => { throw new RangeError('trap'); } });
    expect(issuesOf(() => compiled.validate(proxy, 'draft')).issues[0]!.path).toBe('values');
    expect(issuesOf(() => compiled.visibleKeys([] as never)).issues[0]!.path).toBe('values');
    // The JSON Schema bounds integers as the validator does (safe integers).
    const integers = compileFormDefinition({ format: 1, pages: [{ key: 'p', title: 'P', fields: [{ key: 'n', type: 'integer', label: 'N' }] }] });
    expect((integers.jsonSchema.properties as Record<string, object>).n).toMatchObject({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    // No value ever appears in a message.
    const secret = 'SECRET-CANARY-4242';
    const messages = issuesOf(() => compiled.validate({ amount: secret, category: secret, iban: { [secret]: secret }, receipt_date: secret }, 'submit'));
    expect(JSON.stringify(messages.issues)).not.toContain(secret);
    expect(messages.message).not.toContain(secret);
  });

  it('anything else given as a definition is a ValidationError (never another error), with nothing compiled', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        try {
          compileFormDefinition(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
    // Mutations of valid definitions: a field with a regular expression, a duplicate key, a
    // condition on a later field or on a value its field cannot hold, minimum above maximum.
    const base = expenseClaim();
    const page = base.pages[0]!;
    const withField = (field: object) => ({ ...base, pages: [{ ...page, fields: [...page.fields, field] }, base.pages[1]!] });
    const cases: [object, string][] = [
      [withField({ key: 'code', type: 'text', label: 'Code', pattern: '^(a+)+$' }), 'definition.pages.0.fields.4'],
      [withField({ key: 'amount', type: 'text', label: 'Again' }), 'definition.pages.0.fields.4.key'],
      [withField({ key: 'x', type: 'text', label: 'X', visibleWhen: { field: 'iban', equals: 'a' } }), 'definition.pages.0.fields.4.visibleWhen.field'],
      [withField({ key: 'x', type: 'text', label: 'X', visibleWhen: { field: 'category', equals: 'boats' } }), 'definition.pages.0.fields.4.visibleWhen.equals'],
      [withField({ key: 'x', type: 'text', label: 'X', visibleWhen: { any: [{ field: 'amount', in: [1, 'two'] }] } }), 'definition.pages.0.fields.4.visibleWhen.any.0.in.1'],
      [withField({ key: 'x', type: 'integer', label: 'X', min: 5, max: 1 }), 'definition.pages.0.fields.4.min'],
      [withField({ key: 'x', type: 'multiselect', label: 'X', options: [{ value: 'a', label: 'A' }, { value: 'a', label: 'B' }] }), 'definition.pages.0.fields.4.options.1.value'],
      [withField({ key: 'Bad-Key', type: 'text', label: 'X' }), 'definition.pages.0.fields.4.key'],
      [{ ...base, pages: [] }, 'definition.pages'],
      // A plain field shown by a sensitive one's value would reveal it.
      [withField({ key: 'x', type: 'text', label: 'X', visibleWhen: { field: 'iban', equals: 'DE00' } }), 'definition.pages.0.fields.4.visibleWhen.field'],
      // Strings jsonb cannot store, anywhere in the definition.
      [withField({ key: 'x', type: 'text', label: 'lone \ud800' }), 'definition.pages.0.fields.4.label'],
      [withField({ key: 'x', type: 'select', label: 'X', options: [{ value: 'a\u0000', label: 'A' }] }), 'definition.pages.0.fields.4.options.0.value'],
      [withField({ key: 'x', type: 'text', label: 'X', visibleWhen: { field: 'amount', notEquals: 1 }, help: '\udc00' }), 'definition.pages.0.fields.4.help'],
      // A minimum above the default maximum: no value could be valid.
      [withField({ key: 'x', type: 'text', label: 'X', minLength: 5000 }), 'definition.pages.0.fields.4.minLength'],
    ];
    for (const [definition, path] of cases) {
      expect(issuesOf(() => compileFormDefinition(definition)).issues.map((i) => i.path)).toContain(path);
    }
  });

  it('is cached by the sha256 of the canonical JSON: the same definition with keys in another order is the same compiled object', () => {
    fc.assert(
      fc.property(definitionArbitrary, (definition) => {
        const first = compileFormDefinition(definition);
        const reordered = JSON.parse(canonicalJson(definition)) as unknown;
        const reversed = JSON.parse(JSON.stringify(reordered, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as unknown;
        expect(compileFormDefinition(reversed)).toBe(first);
        expect(isCompiled(first.sha256)).toBe(true);
        expect(first.sha256).toBe(definitionSha256(definition));
      }),
      { numRuns: 100 },
    );
  });

  it('compiledFormVersion: a stored version compiles from the cache, and a definition that does not match its sha256 is refused', () => {
    const compiled: CompiledFormDefinition = compileFormDefinition(expenseClaim('Stored'));
    expect(compiledFormVersion({ definition: compiled.definition, definitionSha256: compiled.sha256 })).toBe(compiled);
    const other = expenseClaim('Not cached yet');
    const sha = definitionSha256(compileFormDefinition(other).definition);
    expect(compiledFormVersion({ definition: other, definitionSha256: sha }).sha256).toBe(sha);
    const tampered = issuesOf(() => compiledFormVersion({ definition: expenseClaim('Tampered'), definitionSha256: 'f'.repeat(64) }));
    expect(tampered.issues).toEqual([{ path: 'version.definitionSha256', message: 'is not the sha256 of the definition' }]);
    expect(issuesOf(() => compiledFormVersion(null as never)).issues[0]!.path).toBe('version');
    expect(issuesOf(() => compiledFormVersion({ definition: 3, definitionSha256: 'x' })).issues[0]!.path).toBe('version.definition');
  });
});
