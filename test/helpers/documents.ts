import { createHash, randomUUID } from 'node:crypto';
import type { Repositories } from '../../src/repositories.js';

/** The object fields of a fake upload: a unique storage key and the sha256 of some bytes. */
export function anObject(content: string = randomUUID()) {
  return {
    storageKey: `objects/${randomUUID()}`,
    checksumSha256: createHash('sha256').update(content).digest('hex'),
    sizeBytes: Buffer.byteLength(content),
  };
}

/** Creates a live client in the organization. */
export async function aClient(repos: Repositories, organizationId: string, code = `C-${randomUUID().slice(0, 8)}`) {
  return repos.clients.create({ organizationId, code, name: `Client ${code}` });
}

/** Creates a document (version 1) of the client. */
export async function aDocument(repos: Repositories, clientId: string, originalName = `file-${randomUUID().slice(0, 8)}.pdf`) {
  return repos.documents.create({ clientId, originalName, mimeType: 'application/pdf', ...anObject() });
}
