// Conformance scenarios of documents: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, aClientOf, aDocumentOf, type Scenario } from '../../../conformance/scenario.js';
import { anObject } from '../../../helpers/documents.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
  'document.create': scenario({
    setup: aClientOf,
    run: (uow, _w, client) =>
      uow.documents.create({ clientId: client.id, originalName: `new-${unique()}.pdf`, mimeType: 'application/pdf', ...anObject() }),
  }),
  'document.add_version': scenario({
    setup: aDocumentOf,
    run: (uow, _w, document) => uow.documents.addVersion(document.id, { expectedVersion: 1, ...anObject() }),
  }),
  'document.delete': scenario({ setup: aDocumentOf, run: (uow, _w, document) => uow.documents.softDelete(document.id) }),
  'document.restore': scenario({
    setup: async (world) => {
      const document = await aDocumentOf(world);
      await world.system.documents.softDelete(document.id);
      return document;
    },
    run: (uow, _w, document) => uow.documents.restore(document.id),
  }),
  'document.purge': scenario({
    setup: async (world) => {
      const document = await aDocumentOf(world);
      await world.system.documents.softDelete(document.id);
      return document;
    },
    // One document at most: other scenarios' deleted documents may be waiting too.
    run: (uow) => uow.documents.purgeDeleted({ deletedBefore: new Date(Date.now() + 60_000), limit: 1 }),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
