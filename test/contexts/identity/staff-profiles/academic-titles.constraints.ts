import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What academic-titles.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  academic_titles: {
    constraints: [
      'academic_titles_code_format',
      'academic_titles_label_en_length',
      'academic_titles_label_vi_length',
      'academic_titles_pkey',
    ],
    notNull: ['code', 'label_vi', 'label_en', 'sort_order', 'is_active', 'created_at', 'updated_at'],
    triggers: ['academic_titles_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
