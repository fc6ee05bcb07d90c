// Select lists the repositories send, written out by hand for the raw side; shared by the
// cases of more than one group. Each case's statements stay in its own file.

/** The select list of a user (`users.findById`, `users.register`'s RETURNING). */
export const USER_COLUMNS = `
  "users"."id", "users"."organization_id" as "organizationId",
  "users"."auth_subject" as "authSubject", "users"."email", "users"."is_active" as "isActive",
  "users"."created_at" as "createdAt", "users"."updated_at" as "updatedAt",
  "users"."deleted_at" as "deletedAt"`;

/** The select list of a staff profile (`staffProfileColumns`). */
export const STAFF_PROFILE_COLUMNS = `
  "user_staff_profiles"."user_id" as "userId", "user_staff_profiles"."organization_id" as "organizationId",
  "user_staff_profiles"."employee_id" as "employeeId",
  "user_staff_profiles"."academic_title_code" as "academicTitleCode",
  "user_staff_profiles"."academic_title_other" as "academicTitleOther",
  "user_staff_profiles"."unit_id" as "unitId", "user_staff_profiles"."job_title" as "jobTitle",
  "user_staff_profiles"."profile_verification_status" as "status",
  "user_staff_profiles"."verification_submitted_at" as "verificationSubmittedAt",
  "user_staff_profiles"."verified_at" as "verifiedAt",
  "user_staff_profiles"."verified_by_user_id" as "verifiedByUserId",
  "user_staff_profiles"."rejection_reason" as "rejectionReason",
  "user_staff_profiles"."verification_expires_at" as "verificationExpiresAt",
  "user_staff_profiles"."version" as "version", "user_staff_profiles"."created_at" as "createdAt",
  "user_staff_profiles"."updated_at" as "updatedAt"`;
