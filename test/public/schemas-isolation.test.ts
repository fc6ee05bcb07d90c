// `@org/data/schemas` is for front ends: importing it must load neither the PostgreSQL driver nor
// the query builder. Each case imports an entry's source in a fresh Node process with a resolve
// hook recording every module resolved; the root entry is the positive control (it must load
// both, or the hook would be proving nothing).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importersOf, loadInFreshProcess, REPO_ROOT } from './module-loads.js';

const SCHEMAS_ENTRY = join(REPO_ROOT, 'src', 'schemas.ts');
const ROOT_ENTRY = join(REPO_ROOT, 'src', 'index.ts');
const FORBIDDEN = ['pg', 'kysely'] as const;

describe('@org/data/schemas in a fresh Node process', () => {
  it('loads zod and neither pg nor kysely, and its schemas parse input', async () => {
    const report = await loadInFreshProcess(
      SCHEMAS_ENTRY,
      `mod.parseInput(mod.CreateOrganizationInputSchema, { name: ' Acme ', slug: 'acme' })`,
    );
    for (const pkg of FORBIDDEN) expect(importersOf(report, pkg), pkg).toEqual([]);
    expect(importersOf(report, 'zod').length).toBeGreaterThan(0);
    expect(report.exportNames).toContain('CreateOrganizationInputSchema');
    expect(report.probe).toMatchObject({ name: 'Acme', slug: 'acme' });
  }, 60_000);

  it('positive control: the root entry does load pg and kysely through the same hook', async () => {
    const report = await loadInFreshProcess(ROOT_ENTRY);
    for (const pkg of FORBIDDEN) expect(importersOf(report, pkg).length, pkg).toBeGreaterThan(0);
    expect(report.exportNames).toContain('createRepositories');
  }, 60_000);
});
