// Conformance scenarios of units: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
  'unit.create': scenario({
    run: (uow, world) => uow.units.create({ organizationId: world.organizationId, code: `U-${unique()}`, name: 'Unit' }),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
