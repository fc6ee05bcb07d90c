// Conformance scenarios of data keys: one per audit action the aggregate declares (see
// test/conformance). Each runs in the conformance unit of work (owner, no tenant set): the key
// operations take the unit of work and the organization.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditAction } from '../../../../src/aggregates.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const first = createKeyring({ provider: localKeyProvider({ masterKeys: { k1 }, current: 'k1' }) });
const second = createKeyring({ provider: localKeyProvider({ masterKeys: { k1, k2 }, current: 'k2' }) });

/** The mutations that record each action. */
export const SCENARIOS = {
  // The organization's first encryption makes its key.
  'encryption_key.create': scenario({
    run: (uow, world) =>
      first.encrypt({ trx: uow.trx, tenant: world.organizationId, context: uow.context }, { table: 'notes', column: 'body', rowId: randomUUID() }, 'x'),
  }),
  'encryption_key.rotate': scenario({
    setup: (world, db) => first.rotate(db, { organizationId: world.organizationId }),
    run: (uow, world) => first.rotate(uow, { organizationId: world.organizationId }),
  }),
  'encryption_key.rewrap': scenario({
    setup: (world, db) => first.rotate(db, { organizationId: world.organizationId }),
    run: (uow, world) => second.rewrap(uow, { organizationId: world.organizationId }),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
