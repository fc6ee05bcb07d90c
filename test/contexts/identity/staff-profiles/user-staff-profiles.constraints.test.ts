// Integrity rules of user_staff_profiles, from
// sql/migrations/20261121100100_create_user_staff_profiles.up.sql, exercised with raw SQL. The
// harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  academicTitleRow,
  CHECK,
  client,
  count,
  create,
  createOrganization,
  createUnit,
  createUser,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  inRolledBackTransaction,
  insert,
  next,
  NOT_NULL,
  OLD,
  type Row,
  UNIQUE,
  useConstraintHarness,
  type UserKey,
} from '../../../helpers/constraints.js';
import { coverage } from './user-staff-profiles.constraints.js';

useConstraintHarness(coverage);

const staffRow = (user: UserKey, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  ...overrides,
});

describe('user_staff_profiles', () => {
  type Status = 'draft' | 'pending' | 'verified' | 'rejected';
  const SUBMITTED = '2026-03-02T08:00:00.000Z';
  const VERIFIED = '2026-03-03T09:30:00.000Z';
  const REASON = 'The employee id does not match the HR records.';

  let organizationId: string;
  /** A user of the organization without a staff profile: the subject of rows that must be rejected. */
  let user: UserKey;
  let verifier: UserKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    user = await createUser(organizationId);
    verifier = await createUser(organizationId);
  });

  /** A fresh user of the organization, for a row that must be accepted. */
  const newcomer = (): Promise<UserKey> => createUser(organizationId);

  /** The smallest valid row in `status`, before `overrides`. */
  const inState = (status: Status, overrides: Row = {}): Row => {
    const columns: Record<Status, Row> = {
      draft: {},
      pending: { profile_verification_status: 'pending', verification_submitted_at: SUBMITTED },
      verified: {
        profile_verification_status: 'verified',
        verification_submitted_at: SUBMITTED,
        verified_at: VERIFIED,
        verified_by_user_id: verifier.id,
      },
      rejected: {
        profile_verification_status: 'rejected',
        verification_submitted_at: SUBMITTED,
        rejection_reason: REASON,
      },
    };
    return { ...columns[status], ...overrides };
  };

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('user_staff_profiles', staffRow(await newcomer()));
    expect(row).toMatchObject({
      profile_verification_status: 'draft',
      version: 1,
      employee_id: null,
      academic_title_code: null,
      academic_title_other: null,
      unit_id: null,
      verification_submitted_at: null,
      verified_at: null,
      verified_by_user_id: null,
      rejection_reason: null,
      verification_expires_at: null,
    });
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['user_id', 'organization_id', 'profile_verification_status', 'version', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { [column]: null })),
        NOT_NULL,
        `user_staff_profiles.${column}`,
      ),
  );

  it('user_staff_profiles_pkey allows one staff profile per user', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await expectRejected(
      insert('user_staff_profiles', staffRow(owner, { job_title: 'Lecturer' })),
      UNIQUE,
      'user_staff_profiles_pkey',
    );
  });

  describe('the verification state machine', () => {
    it.each(['draft', 'pending', 'verified', 'rejected'] as const)('accepts the smallest valid %s row', async (status) => {
      const row = await create('user_staff_profiles', staffRow(await newcomer(), inState(status)));
      expect(row.profile_verification_status).toBe(status);
    });

    it('accepts a verified row with an expiry after verified_at, by one microsecond', async () => {
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('verified', { verification_expires_at: '2026-03-03T09:30:00.000001Z' })),
      );
    });

    it.each([
      ['without verified_at', { verified_at: null }],
      ['without verified_by_user_id', { verified_by_user_id: null }],
      ['without either', { verified_at: null, verified_by_user_id: null }],
    ])('user_staff_profiles_verified_requires_metadata rejects a verified row %s', (_, overrides) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('verified', overrides))),
        CHECK,
        'user_staff_profiles_verified_requires_metadata',
      ),
    );

    const unverifiedWithMetadata = (['draft', 'pending', 'rejected'] as const).flatMap((status) =>
      (['verified_at', 'verified_by_user_id', 'verification_expires_at'] as const).map(
        (column) => [status, column] as const,
      ),
    );

    it.each(unverifiedWithMetadata)(
      'user_staff_profiles_unverified_clears_metadata rejects a %s row with %s set',
      (status, column) => {
        const values = {
          verified_at: VERIFIED,
          verified_by_user_id: verifier.id,
          verification_expires_at: '2027-03-03T00:00:00Z',
        };
        const value = values[column];
        return expectRejected(
          insert('user_staff_profiles', staffRow(user, inState(status, { [column]: value }))),
          CHECK,
          'user_staff_profiles_unverified_clears_metadata',
        );
      },
    );

    it.each([
      ['an empty string', ''],
      ['only spaces', '   '],
      ['only a tab and a newline', '\t\n'],
    ])('user_staff_profiles_rejected_requires_reason rejects a rejected row whose reason is %s', (_, rejection_reason) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason }))),
        CHECK,
        'user_staff_profiles_rejected_requires_reason',
      ),
    );

    // A CHECK that evaluates to NULL passes: the constraint coalesces a NULL reason to ''.
    it(
      'user_staff_profiles_rejected_requires_reason rejects a rejected row without a reason (NULL)',
      () =>
        inRolledBackTransaction(() =>
          expectRejected(
            insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason: null }))),
            CHECK,
            'user_staff_profiles_rejected_requires_reason',
          ),
        ),
    );

    it.each([
      ['a draft row with a reason', 'draft', REASON],
      ['a draft row with an empty reason', 'draft', ''],
      ['a pending row with a reason', 'pending', REASON],
      ['a verified row with a reason', 'verified', REASON],
    ] as const)('user_staff_profiles_reason_only_when_rejected rejects %s', (_, status, rejection_reason) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState(status, { rejection_reason }))),
        CHECK,
        'user_staff_profiles_reason_only_when_rejected',
      ),
    );

    it('user_staff_profiles_rejection_reason_length rejects 1001 characters and accepts 1000', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason: 'r'.repeat(1001) }))),
        CHECK,
        'user_staff_profiles_rejection_reason_length',
      );
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('rejected', { rejection_reason: 'r'.repeat(1000) })),
      );
    });

    it('user_staff_profiles_pending_requires_submitted_at rejects a pending row without verification_submitted_at', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('pending', { verification_submitted_at: null }))),
        CHECK,
        'user_staff_profiles_pending_requires_submitted_at',
      );
      // Near miss: only pending requires it.
      await create('user_staff_profiles', staffRow(await newcomer(), inState('draft', { verification_submitted_at: null })));
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('verified', { verification_submitted_at: null })),
      );
    });

    it.each([
      ['equal to verified_at', VERIFIED],
      ['one microsecond before verified_at', '2026-03-03T09:29:59.999999Z'],
      ['a year before verified_at', '2025-03-03T09:30:00Z'],
    ])('user_staff_profiles_expiry_after_verification rejects an expiry %s', (_, verification_expires_at) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('verified', { verification_expires_at }))),
        CHECK,
        'user_staff_profiles_expiry_after_verification',
      ),
    );

    it('the invariants also guard UPDATE: a transition must set and clear the right columns', async () => {
      const owner = await newcomer();
      await create('user_staff_profiles', staffRow(owner, inState('pending')));
      const update = (set: string, values: unknown[] = []) => ({
        text: `UPDATE user_staff_profiles SET ${set} WHERE user_id = $1`,
        values: [owner.id, ...values],
      });
      await expectRejected(
        update(`profile_verification_status = 'verified'`),
        CHECK,
        'user_staff_profiles_verified_requires_metadata',
      );
      await client.query(
        update(`profile_verification_status = 'verified', verified_at = $2, verified_by_user_id = $3`, [
          VERIFIED,
          verifier.id,
        ]),
      );
      // Back to draft without clearing the verification.
      await expectRejected(
        update(`profile_verification_status = 'draft'`),
        CHECK,
        'user_staff_profiles_unverified_clears_metadata',
      );
      await expectRejected(
        update(
          `profile_verification_status = 'rejected', verified_at = NULL, verified_by_user_id = NULL,
           rejection_reason = $2`,
          ['  '],
        ),
        CHECK,
        'user_staff_profiles_rejected_requires_reason',
      );
      await client.query(
        update(
          `profile_verification_status = 'rejected', verified_at = NULL, verified_by_user_id = NULL, rejection_reason = $2`,
          [REASON],
        ),
      );
      await expectRejected(
        update(`profile_verification_status = 'pending'`),
        CHECK,
        'user_staff_profiles_reason_only_when_rejected',
      );
      await client.query(update(`profile_verification_status = 'pending', rejection_reason = NULL`));
    });
  });

  describe('academic title', () => {
    it.each([
      ["'other' with a title", 'other', 'Doctor of Science (honoris causa)'],
      ["'other' with a title in surrounding spaces", 'other', '  Nhà giáo Nhân dân  '],
      ['a listed code without a title', 'doctor', null],
      ['no code and no title', null, null],
      // The constraint only asks a title to be non-blank when the code is 'other': blank text
      // next to another code (or none) passes. Asserted so that tightening it is deliberate.
      ['a listed code with a blank title', 'master', '   '],
      ['no code with an empty title', null, ''],
    ])('user_staff_profiles_academic_title_other accepts %s', async (_, academic_title_code, academic_title_other) => {
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), { academic_title_code, academic_title_other }),
      );
    });

    it.each([
      ["'other' without a title (NULL)", 'other', null],
      ["'other' with an empty title", 'other', ''],
      ["'other' with a whitespace-only title", 'other', ' \t\n '],
      ['a listed code with a title', 'master', 'Master of Arts'],
      ['no code with a title', null, 'Doctor of Science'],
    ])('user_staff_profiles_academic_title_other rejects %s', (_, academic_title_code, academic_title_other) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { academic_title_code, academic_title_other })),
        CHECK,
        'user_staff_profiles_academic_title_other',
      ),
    );

    it('user_staff_profiles_academic_title_other_length rejects 121 characters and accepts 120', async () => {
      await expectRejected(
        insert(
          'user_staff_profiles',
          staffRow(user, { academic_title_code: 'other', academic_title_other: 'o'.repeat(121) }),
        ),
        CHECK,
        'user_staff_profiles_academic_title_other_length',
      );
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), { academic_title_code: 'other', academic_title_other: 'o'.repeat(120) }),
      );
    });

    it('user_staff_profiles_academic_title_code_fkey rejects an unknown code, and deleting a title in use', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, { academic_title_code: 'astronaut' })),
        FOREIGN_KEY,
        'user_staff_profiles_academic_title_code_fkey',
      );
      const code = `title_${next()}`;
      await create('academic_titles', academicTitleRow({ code, is_active: false }));
      // Near miss: an inactive title is still a known code.
      await create('user_staff_profiles', staffRow(await newcomer(), { academic_title_code: code }));
      await expectRejected(
        { text: 'DELETE FROM academic_titles WHERE code = $1', values: [code] },
        FOREIGN_KEY,
        'user_staff_profiles_academic_title_code_fkey',
      );
      const unused = `title_${next()}`;
      await create('academic_titles', academicTitleRow({ code: unused }));
      await client.query({ text: 'DELETE FROM academic_titles WHERE code = $1', values: [unused] });
    });
  });

  describe('employee_id', () => {
    it.each([
      ['an empty string', ''],
      ['two characters', 'E1'],
      ['a lowercase letter', 'emp-001'],
      ['an underscore', 'EMP_001'],
      ['a space', 'EMP 001'],
      ['a trailing newline', 'EMP-001\n'],
      ['a non-ASCII letter', 'NHÂN-01'],
      ['33 characters', 'E'.repeat(33)],
      ['100 000 × A then ! (catastrophic backtracking)', `${'A'.repeat(100_000)}!`],
    ])('user_staff_profiles_employee_id_format rejects %s', (_, employee_id) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { employee_id })),
        CHECK,
        'user_staff_profiles_employee_id_format',
      ),
    );

    it.each([
      ['three characters', 'E01'],
      ['digits only', '000123'],
      ['letters, digits and hyphens', 'HN-2026-0042'],
      ['a leading hyphen', '-42'],
      ['32 characters', 'E'.repeat(32)],
    ])('user_staff_profiles_employee_id_format accepts %s', async (_, employee_id) => {
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id }));
    });

    it('user_staff_profiles_employee_id_key: unique across organizations when present; NULLs do not collide', async () => {
      const employeeId = `EMP-${next()}`;
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: employeeId }));
      await expectRejected(
        insert('user_staff_profiles', staffRow(await newcomer(), { employee_id: employeeId })),
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      const elsewhere = await createUser();
      await expectRejected(
        insert('user_staff_profiles', staffRow(elsewhere, { employee_id: employeeId })),
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      // Near misses: another id, and any number of profiles without one.
      await create('user_staff_profiles', staffRow(elsewhere, { employee_id: `${employeeId}-2` }));
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: null }));
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: null }));
      // UPDATE path, and clearing the id frees it.
      await expectRejected(
        { text: 'UPDATE user_staff_profiles SET employee_id = $1 WHERE user_id = $2', values: [employeeId, elsewhere.id] },
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      await client.query({
        text: 'UPDATE user_staff_profiles SET employee_id = NULL WHERE employee_id = $1',
        values: [employeeId],
      });
      await client.query({
        text: 'UPDATE user_staff_profiles SET employee_id = $1 WHERE user_id = $2',
        values: [employeeId, elsewhere.id],
      });
    });
  });

  it('user_staff_profiles_user_id_fkey rejects an unknown user', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow({ ...user, id: randomUUID() })),
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    ));

  it("user_staff_profiles_user_id_fkey rejects an organization_id other than the user's", async () => {
    const owner = await newcomer();
    await expectRejected(
      insert('user_staff_profiles', staffRow({ ...owner, organization_id: await createOrganization() })),
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    );
    await create('user_staff_profiles', staffRow(owner));
  });

  it('user_staff_profiles_user_id_fkey keeps a user with a staff profile from moving to another organization', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), owner.id] },
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    );
  });

  it('user_staff_profiles_user_id_fkey cascades: deleting the user deletes the staff profile', async () => {
    const owner = await newcomer();
    const bystander = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await create('user_staff_profiles', staffRow(bystander));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [owner.id] });
    expect(await count('user_staff_profiles WHERE user_id = $1', [owner.id])).toBe(0);
    expect(await count('user_staff_profiles WHERE user_id = $1', [bystander.id])).toBe(1);
  });

  it('user_staff_profiles_unit_id_fkey accepts a unit of the same organization, or none', async () => {
    const unit = await createUnit(organizationId);
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: unit }));
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: null }));
  });

  it('user_staff_profiles_unit_id_fkey rejects an unknown unit', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, { unit_id: randomUUID() })),
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    ));

  it('user_staff_profiles_unit_id_fkey rejects a unit of another organization', async () => {
    const foreignUnit = await createUnit(await createOrganization());
    await expectRejected(
      insert('user_staff_profiles', staffRow(user, { unit_id: foreignUnit })),
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner, { unit_id: await createUnit(organizationId) }));
    await expectRejected(
      { text: 'UPDATE user_staff_profiles SET unit_id = $1 WHERE user_id = $2', values: [foreignUnit, owner.id] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
  });

  it('user_staff_profiles_unit_id_fkey keeps a unit with staff from being deleted or moved to another organization', async () => {
    const unit = await createUnit(organizationId);
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: unit }));
    await expectRejected(
      { text: 'DELETE FROM units WHERE id = $1', values: [unit] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE units SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), unit] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    // Near miss: a unit without staff can be deleted.
    const empty = await createUnit(organizationId);
    await client.query({ text: 'DELETE FROM units WHERE id = $1', values: [empty] });
  });

  it('user_staff_profiles_verified_by_user_id_fkey rejects an unknown verifier', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, inState('verified', { verified_by_user_id: randomUUID() }))),
      FOREIGN_KEY,
      'user_staff_profiles_verified_by_user_id_fkey',
    ));

  it('user_staff_profiles_verified_by_user_id_fkey (NO ACTION) keeps a verifier who verified a profile from being deleted', async () => {
    const admin = await newcomer();
    await create(
      'user_staff_profiles',
      staffRow(await newcomer(), inState('verified', { verified_by_user_id: admin.id })),
    );
    await expectRejected(
      { text: 'DELETE FROM users WHERE id = $1', values: [admin.id] },
      FOREIGN_KEY,
      'user_staff_profiles_verified_by_user_id_fkey',
    );
    expect(await count('users WHERE id = $1', [admin.id])).toBe(1);
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('user_staff_profiles_version_positive rejects version %s', (_, version) =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, { version })),
      CHECK,
      'user_staff_profiles_version_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('user_staff_profiles_version_positive accepts version %s', async (_, version) => {
    await create('user_staff_profiles', staffRow(await newcomer(), { version }));
  });

  it('user_staff_profiles_job_title_length rejects 121 characters and accepts 120 or NULL', async () => {
    await expectRejected(
      insert('user_staff_profiles', staffRow(user, { job_title: 'j'.repeat(121) })),
      CHECK,
      'user_staff_profiles_job_title_length',
    );
    await create('user_staff_profiles', staffRow(await newcomer(), { job_title: 'j'.repeat(120) }));
    await create('user_staff_profiles', staffRow(await newcomer(), { job_title: null }));
  });

  it('user_staff_profiles_set_updated_at sets updated_at on UPDATE', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('user_staff_profiles', { user_id: owner.id });
  });
});
