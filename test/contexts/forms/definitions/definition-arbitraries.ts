// fast-check arbitraries of form definitions the meta-schema accepts, and of values their
// compiled validators accept.
import fc from 'fast-check';
import type { CompiledFormDefinition } from '../../../../src/contexts/forms/definitions/compile-form-definition.js';
import type { FormDefinitionInput, FormField } from '../../../../src/contexts/forms/definitions/form-definition.js';

type Field = Record<string, unknown> & { key: string; type: string };

const label = fc.constantFrom('Name', 'Amount', 'Ünïcode 😀 label', 'When?');
const bounds = (lo: number, hi: number) =>
  fc.tuple(fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }), fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined })).map(([a, b]) =>
    a !== undefined && b !== undefined && a > b ? [b, a] : [a, b],
  );
const options = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 6 }).map((values) => values.map((value) => ({ value, label: value.toUpperCase() })));
const dateIn = (lo: string, hi: string) => fc.date({ min: new Date(`${lo}T00:00:00Z`), max: new Date(`${hi}T00:00:00Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** The type-specific part of a field. */
const fieldBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.tuple(fc.constantFrom('text', 'textarea'), bounds(0, 40)).map(([type, [minLength, maxLength]]) => ({
    type,
    ...(minLength === undefined ? {} : { minLength }),
    ...(maxLength === undefined || maxLength === 0 ? {} : { maxLength }),
  })),
  fc.constant({ type: 'email' }),
  fc.tuple(fc.constantFrom('number', 'integer'), bounds(-1000, 1000)).map(([type, [min, max]]) => ({
    type,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  })),
  fc.constant({ type: 'boolean' }),
  fc.tuple(fc.option(dateIn('1990-01-01', '2010-01-01'), { nil: undefined }), fc.option(dateIn('2010-01-02', '2040-01-01'), { nil: undefined })).map(([min, max]) => ({
    type: 'date',
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  })),
  options.map((opts) => ({ type: 'select', options: opts })),
  fc.tuple(options, fc.nat(3), fc.nat(6)).map(([opts, a, b]) => {
    const minItems = Math.min(a, opts.length);
    const maxItems = Math.max(minItems, Math.min(b, opts.length), 1);
    return { type: 'multiselect', options: opts, ...(a % 2 ? { minItems } : {}), ...(b % 2 ? { maxItems } : {}) };
  }),
);

/** A value the condition on `target` can compare with (fast-check picks one). */
function comparableValue(target: Field): fc.Arbitrary<string | number | boolean> {
  switch (target.type) {
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'integer':
      return fc.integer({ min: -5, max: 5 });
    case 'select':
    case 'multiselect':
      return fc.constantFrom(...(target.options as { value: string }[]).map((o) => o.value));
    default:
      return fc.constantFrom('yes', 'a@b.co', '2020-01-01', '');
  }
}

/** A condition on one of `earlier` (a leaf, or all / any of leaves). */
function condition(earlier: Field[]): fc.Arbitrary<Record<string, unknown>> {
  const leaf = fc.constantFrom(...earlier).chain((target) =>
    fc.oneof(
      comparableValue(target).map((v) => ({ field: target.key, equals: v })),
      comparableValue(target).map((v) => ({ field: target.key, notEquals: v })),
      fc.array(comparableValue(target), { minLength: 1, maxLength: 3 }).map((vs) => ({ field: target.key, in: vs })),
    ),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((all) => ({ all })) },
    { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((any) => ({ any })) },
  );
}

/** Definitions of 1–12 fields over 1–3 pages, some required, sensitive or conditional. */
export const definitionArbitrary: fc.Arbitrary<FormDefinitionInput> = fc
  .array(fc.tuple(fieldBody, fc.boolean(), fc.boolean(), fc.stringMatching(/^[a-z0-9_]{0,6}$/), label, fc.nat(99)), { minLength: 1, maxLength: 12 })
  .chain((specs) => {
    const fields: Field[] = specs.map(([body, required, sensitive, suffix, text], i) => ({
      key: `f${i}_${suffix}`,
      label: text,
      ...(required ? { required: true } : {}),
      ...(sensitive && i % 3 === 0 ? { sensitive: true } : {}),
      ...body,
    })) as unknown as Field[];
    // A plain field may depend only on plain fields (a sensitive one would show through).
    const targetsOf = (field: Field, i: number) => fields.slice(0, i).filter((t) => field.sensitive === true || t.sensitive !== true);
    const withConditions = fields.map((field, i) =>
      targetsOf(field, i).length === 0 || (specs[i]![5] ?? 0) < 60
        ? fc.constant(field)
        : condition(targetsOf(field, i)).map((visibleWhen) => ({ ...field, visibleWhen })),
    );
    return fc.tuple(fc.tuple(...withConditions), fc.integer({ min: 1, max: 3 }));
  })
  .map(([fields, pageCount]) => {
    const pages = Array.from({ length: Math.min(pageCount, fields.length) }, (_, p) => ({ key: `page_${p}`, title: `Page ${p + 1}`, fields: [] as Field[] }));
    fields.forEach((field, i) => pages[Math.min(pages.length - 1, Math.floor((i * pages.length) / fields.length))]!.fields.push(field as Field));
    return { format: 1 as const, pages } as unknown as FormDefinitionInput;
  });

const textUnit = fc.constantFrom('a', 'Z', ' ', 'é', '中', '\n', '"', '\\', '😀');

/** A value `field`'s validator accepts. */
function valueFor(field: FormField): fc.Arbitrary<unknown> {
  const required = field.required === true;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const min = Math.max(field.minLength ?? 0, required ? 1 : 0);
      const max = Math.min(field.maxLength ?? 60, min + 30);
      return fc.string({ unit: textUnit, minLength: min, maxLength: max }).filter((s) => s.length >= min && s.length <= (field.maxLength ?? 1000));
    }
    case 'email':
      return fc.constantFrom('a@b.co', 'someone.else+tag@example.org', 'x@y.z.example');
    case 'number':
      return fc.double({ min: field.min ?? -1e9, max: field.max ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer({ min: field.min ?? -1e9, max: field.max ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'date':
      return dateIn(field.min ?? '1900-01-01', field.max ?? '2100-01-01');
    case 'select':
      return fc.constantFrom(...field.options.map((o) => o.value));
    case 'multiselect': {
      const values = field.options.map((o) => o.value);
      const min = Math.max(field.minItems ?? 0, required ? 1 : 0);
      return fc.shuffledSubarray(values, { minLength: Math.min(min, values.length), maxLength: field.maxItems ?? values.length });
    }
  }
}

/**
 * Values `compiled` accepts in `submit` mode: fields in order, each shown one given when
 * required (and sometimes when not), each hidden one left out.
 */
export function valuesFor(compiled: CompiledFormDefinition): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(...compiled.fields.map((field) => fc.tuple(valueFor(field), fc.boolean()))).map((picks) => {
    const values: Record<string, unknown> = {};
    compiled.fields.forEach((field, i) => {
      const [value, give] = picks[i]!;
      const shown = compiled.visibleKeys(values as never).includes(field.key);
      if (shown && (field.required === true || give)) values[field.key] = value;
    });
    return values;
  });
}
