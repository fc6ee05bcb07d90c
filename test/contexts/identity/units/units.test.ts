import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization } from '../../../helpers/fixtures.js';

describe('units repository', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  beforeAll(() => {
    repos = createRepositories(testDb.current.db);
  });

  it('creates units with codes unique per organization, parents of the same organization only', async () => {
    const org = await anOrganization(repos);
    const other = await anOrganization(repos);
    const faculty = await repos.units.create({ organizationId: org.id, code: 'FIT', name: 'Faculty of IT' });
    expect(faculty).toMatchObject({ organizationId: org.id, code: 'FIT', parentUnitId: null, isActive: true });
    const lab = await repos.units.create({ organizationId: org.id, code: 'FIT.AI', name: 'AI Lab', parentUnitId: faculty.id });
    expect(lab.parentUnitId).toBe(faculty.id);
    await expect(repos.units.create({ organizationId: org.id, code: 'FIT', name: 'Again' })).rejects.toMatchObject({
      code: 'UNIQUE_VIOLATION',
      constraint: 'units_organization_id_code_key',
    });
    await expect(repos.units.create({ organizationId: other.id, code: 'FIT', name: 'Same code, other org' })).resolves.toBeDefined();
    await expect(
      repos.units.create({ organizationId: other.id, code: 'X', name: 'Foreign parent', parentUnitId: faculty.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'parent unit' });
    await expect(
      repos.units.create({ organizationId: '00000000-0000-0000-0000-000000000000', code: 'X', name: 'No org' }),
    ).rejects.toMatchObject({ entity: 'organization' });
    await expect(repos.units.create({ organizationId: org.id, code: '-bad', name: 'x' })).rejects.toBeInstanceOf(ValidationError);
    expect((await repos.units.list(org.id)).map((u) => u.code)).toEqual(['FIT', 'FIT.AI']);
    expect(await repos.units.findByCode(org.id, 'FIT.AI')).toEqual(lab);
    expect(await repos.units.findById(lab.id)).toEqual(lab);
  });
});
