// Conformance scenarios of organizations: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
  'organization.create': scenario({
    run: (uow) => uow.organizations.create({ slug: `conf-${unique()}`, name: 'Conformance' }),
  }),
  'organization.update_settings': scenario({
    setup: (world) => world.system.organizations.create({ slug: `conf-${unique()}`, name: 'Settings' }),
    run: (uow, _world, org) => uow.organizations.updateSettings(org.id, { defaultLocale: 'vi-VN' }),
  }),
  'organization.delete': scenario({
    setup: (world) => world.system.organizations.create({ slug: `conf-${unique()}`, name: 'Doomed' }),
    run: (uow, _world, org) => uow.organizations.softDelete(org.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
