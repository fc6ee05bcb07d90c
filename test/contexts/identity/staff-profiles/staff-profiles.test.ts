import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aStaffWorld, type StaffWorld } from '../../../helpers/staff.js';

describe('staff profiles: the basic flow', () => {
  const testDb = useTestDatabase();
  let world: StaffWorld;
  beforeAll(async () => {
    world = await aStaffWorld(testDb.current.db, { verification: { validityDays: 365 } });
  });
  const auditCount = async (userId: string) =>
    Number(
      (
        await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE entity_type = 'staff_profile' AND entity_id = ${userId}`.execute(
          testDb.current.db,
        )
      ).rows[0]?.n,
    );

  it('registration creates a draft profile at version 1', async () => {
    const profile = await world.system.staffProfiles.getByUserId(world.applicantId);
    expect(profile).toMatchObject({ status: 'draft', version: 1, employeeId: null, verifiedAt: null });
  });

  it('edit → submit → verify, each writing one audit row with before and after', async () => {
    const { asApplicant, asVerifier, applicantId, verifierId } = world;
    const edited = await asApplicant.staffProfiles.edit(applicantId, {
      employeeId: 'EMP-001',
      academicTitleCode: 'master',
      jobTitle: 'Lecturer',
    });
    expect(edited).toMatchObject({ status: 'draft', version: 2, employeeId: 'EMP-001', academicTitleCode: 'master' });
    const submitted = await asApplicant.staffProfiles.submit(applicantId);
    expect(submitted).toMatchObject({ status: 'pending', version: 3 });
    expect(submitted.verificationSubmittedAt).toBeInstanceOf(Date);
    const verified = await asVerifier.staffProfiles.verify(applicantId, { expectedVersion: 3 });
    expect(verified).toMatchObject({ status: 'verified', version: 4, verifiedByUserId: verifierId });
    expect(verified.verificationExpiresAt!.getTime() - verified.verifiedAt!.getTime()).toBe(365 * 86_400_000);
    const history = await world.system.audit.pageEntityHistory('staff_profile', applicantId);
    expect(history.items.map((e) => e.action)).toEqual([
      'staff_profile.create',
      'staff_profile.edit',
      'staff_profile.submit',
      'staff_profile.verify',
    ]);
    const verify = history.items[3]!;
    expect(verify).toMatchObject({ actorUserId: verifierId, requestId: 'req-verifier', organizationId: world.organizationId });
    expect(verify.before).toMatchObject({ status: 'pending', version: 3 });
    expect(verify.after).toMatchObject({ status: 'verified', version: 4, verifiedByUserId: verifierId });
  });

  it('a second verify at the reviewed version is a VersionConflictError, at the current one a TransitionConflictError; no second audit row', async () => {
    const before = await auditCount(world.applicantId);
    const error = await world.asVerifier.staffProfiles.verify(world.applicantId, { expectedVersion: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 3, currentStatus: 'verified', currentVersion: 4 });
    await expect(world.asVerifier.staffProfiles.verify(world.applicantId, { expectedVersion: 4 })).rejects.toMatchObject({
      code: 'TRANSITION_CONFLICT',
      entity: 'staff_profile',
      event: 'verify',
      currentStatus: 'verified',
      currentVersion: 4,
    });
    expect(await auditCount(world.applicantId)).toBe(before);
  });

  it('an edit after verification sends the profile back to pending and clears the verification', async () => {
    const edited = await world.asApplicant.staffProfiles.edit(world.applicantId, { jobTitle: 'Senior Lecturer' });
    expect(edited).toMatchObject({
      status: 'pending',
      version: 5,
      verifiedAt: null,
      verifiedByUserId: null,
      verificationExpiresAt: null,
      jobTitle: 'Senior Lecturer',
    });
  });

  it('reject needs a reason; submit clears it again', async () => {
    await expect(
      world.asVerifier.staffProfiles.reject(world.applicantId, { expectedVersion: 5, reason: '   ' }),
    ).rejects.toBeInstanceOf(ValidationError);
    const rejected = await world.asVerifier.staffProfiles.reject(world.applicantId, {
      expectedVersion: 5,
      reason: 'Employee id does not match HR records',
    });
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: 'Employee id does not match HR records' });
    const resubmitted = await world.asApplicant.staffProfiles.submit(world.applicantId);
    expect(resubmitted).toMatchObject({ status: 'pending', rejectionReason: null });
  });

  it('only the applicant edits and submits; only another user with profile:verify verifies', async () => {
    const { asApplicant, asVerifier, applicantId, verifierId } = world;
    const current = await world.system.staffProfiles.getByUserId(applicantId);
    // The applicant cannot verify their own profile, nor can a user without the permission.
    await expect(asApplicant.staffProfiles.verify(applicantId, { expectedVersion: current.version })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(asVerifier.staffProfiles.edit(applicantId, { jobTitle: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    // The verifier cannot verify their own profile either.
    await asVerifier.staffProfiles.submit(verifierId);
    const own = await world.system.staffProfiles.getByUserId(verifierId);
    await expect(asVerifier.staffProfiles.verify(verifierId, { expectedVersion: own.version })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // Without an acting user, no transition at all.
    await expect(world.system.staffProfiles.submit(applicantId)).rejects.toBeInstanceOf(ValidationError);
    // A verifier of another organization is forbidden, and learns nothing about the state.
    const other = await aStaffWorld(testDb.current.db);
    const error = await other.asVerifier.staffProfiles
      .verify(applicantId, { expectedVersion: current.version })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).not.toContain('pending');
  });

  it('unknown profiles are NotFound; bad units and titles are NotFound; duplicate employee ids are unique violations', async () => {
    await expect(
      world.asApplicant.staffProfiles.submit('00000000-0000-0000-0000-000000000000'),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      world.asApplicant.staffProfiles.edit(world.applicantId, { unitId: '00000000-0000-0000-0000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'unit' });
    await expect(
      world.asApplicant.staffProfiles.edit(world.applicantId, { academicTitleCode: 'wizard' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'academic title' });
    const other = await aStaffWorld(testDb.current.db);
    await expect(
      other.asApplicant.staffProfiles.edit(other.applicantId, { employeeId: 'EMP-001' }),
    ).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION', constraint: 'user_staff_profiles_employee_id_key' });
  });

  it("'other' academic title needs the free text, and leaving 'other' clears it", async () => {
    await expect(
      world.asApplicant.staffProfiles.edit(world.applicantId, { academicTitleCode: 'other' }),
    ).rejects.toBeInstanceOf(ValidationError);
    const other = await world.asApplicant.staffProfiles.edit(world.applicantId, {
      academicTitleCode: 'other',
      academicTitleOther: 'Visiting Scholar',
    });
    expect(other).toMatchObject({ academicTitleCode: 'other', academicTitleOther: 'Visiting Scholar' });
    const back = await world.asApplicant.staffProfiles.edit(world.applicantId, { academicTitleCode: 'doctor' });
    expect(back).toMatchObject({ academicTitleCode: 'doctor', academicTitleOther: null });
  });

  it('a unit of another organization is refused', async () => {
    const other = await aStaffWorld(testDb.current.db);
    const foreignUnit = await other.system.units.create({ organizationId: other.organizationId, code: 'CS', name: 'Computer Science' });
    await expect(
      world.asApplicant.staffProfiles.edit(world.applicantId, { unitId: foreignUnit.id }),
    ).rejects.toMatchObject({ entity: 'unit' });
    const ownUnit = await world.system.units.create({ organizationId: world.organizationId, code: 'CS', name: 'Computer Science' });
    const edited = await world.asApplicant.staffProfiles.edit(world.applicantId, { unitId: ownUnit.id });
    expect(edited.unitId).toBe(ownUnit.id);
  });
});
