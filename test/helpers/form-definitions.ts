// Form definitions for tests: a realistic one, and a definition of `n` fields.
import type { FormDefinitionInput } from '../../src/contexts/forms/definitions/form-definition.js';

/** An expense claim: two pages, a select that shows a conditional field, a sensitive field. */
export const expenseClaim = (title = 'Claim'): FormDefinitionInput => ({
  format: 1,
  pages: [
    {
      key: 'claim',
      title,
      fields: [
        { key: 'amount', type: 'number', label: 'Amount', required: true, min: 0, max: 100_000 },
        { key: 'category', type: 'select', label: 'Category', required: true, options: [{ value: 'travel', label: 'Travel' }, { value: 'meals', label: 'Meals' }, { value: 'other', label: 'Other' }] },
        { key: 'other_reason', type: 'text', label: 'What for?', required: true, maxLength: 200, visibleWhen: { field: 'category', equals: 'other' } },
        { key: 'receipt_date', type: 'date', label: 'Receipt date', min: '2020-01-01' },
      ],
    },
    {
      key: 'payment',
      title: 'Payment',
      fields: [
        { key: 'iban', type: 'text', label: 'IBAN', required: true, sensitive: true, maxLength: 34 },
        { key: 'notes', type: 'textarea', label: 'Notes' },
      ],
    },
  ],
});

/** A one-page definition of `n` fields, types in rotation, every third one required. */
export function fieldsDefinition(n: number): FormDefinitionInput {
  const types = ['text', 'number', 'integer', 'boolean', 'date', 'select', 'email', 'textarea', 'multiselect'] as const;
  const options = [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }];
  return {
    format: 1,
    pages: [
      {
        key: 'main',
        title: 'Main',
        fields: Array.from({ length: n }, (_, i) => {
          const type = types[i % types.length]!;
          const base = { key: `f${i}`, label: `Field ${i}`, required: i % 3 === 0 };
          return type === 'select' || type === 'multiselect' ? { ...base, type, options } : { ...base, type };
        }),
      },
    ],
  };
}

/** Values for every field of {@link fieldsDefinition}(n). */
export function fieldsValues(n: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const samples = ['some text', 42.5, 7, true, '2024-05-06', 'b', 'someone@example.com', 'a longer text\nover lines', ['a', 'c']];
  for (let i = 0; i < n; i += 1) values[`f${i}`] = samples[i % samples.length];
  return values;
}
