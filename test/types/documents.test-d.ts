// Type tests of `@org/data/documents` (entry: src/contexts/documents/index.ts, package.json
// exports "./documents").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB } from '../../src/index.js';
import {
  CLIENT_STATUSES,
  createClientRepository,
  createDocumentRepository,
  type Client,
  type ClientRepository,
  type CreateDocumentInput,
  type DocumentRepository,
  type DocumentVersion,
} from '../../src/contexts/documents/index.js';

declare const db: Kysely<DB>;

describe('@org/data/documents', () => {
  it('repository factories take a Kysely<DB> and return the repository interfaces', () => {
    expectTypeOf(createClientRepository(db)).toEqualTypeOf<ClientRepository>();
    expectTypeOf(createDocumentRepository(db)).toEqualTypeOf<DocumentRepository>();
  });

  it('clients: create returns the client, find… may miss, status is one of CLIENT_STATUSES', () => {
    expectTypeOf<ClientRepository['create']>().returns.toEqualTypeOf<Promise<Client>>();
    expectTypeOf<ClientRepository['findById']>().returns.toEqualTypeOf<Promise<Client | undefined>>();
    expectTypeOf<Client['status']>().toEqualTypeOf<(typeof CLIENT_STATUSES)[number]>();
  });

  it('documents: create takes the input type and returns the document with its first version', () => {
    expectTypeOf<DocumentRepository['create']>().parameter(0).toEqualTypeOf<CreateDocumentInput>();
    type Created = Awaited<ReturnType<DocumentRepository['create']>>;
    expectTypeOf<Created['version']>().toEqualTypeOf<DocumentVersion>();
    expectTypeOf<Created['document']['currentVersion']>().toEqualTypeOf<number>();
    expectTypeOf<Created['document']['clientId']>().toEqualTypeOf<string>();
  });
});
