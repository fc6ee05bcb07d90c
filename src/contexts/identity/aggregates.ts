import { organizationAggregate } from './organizations/organization.js';
import { permissionAggregate, roleAggregate, rolePermissionAggregate, userRoleAggregate } from './rbac/role.js';
import { academicTitleTable, staffProfileAggregate } from './staff-profiles/staff-profile.js';
import { unitAggregate } from './units/unit.js';
import { userAggregate, userProfileAggregate } from './users/user.js';

/** Every aggregate (and table) of the identity context, declared once each. */
export const IDENTITY_AGGREGATES = Object.freeze([
  organizationAggregate,
  userAggregate,
  userProfileAggregate,
  roleAggregate,
  permissionAggregate,
  rolePermissionAggregate,
  userRoleAggregate,
  unitAggregate,
  staffProfileAggregate,
  academicTitleTable,
] as const);
