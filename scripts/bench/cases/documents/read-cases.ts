// The five document reads, in report order, with the kind their plans and row counts go by.
import { clientsByMetadataCommon, clientsByMetadataRare } from './clients-by-metadata.js';
import type { ReadKind } from './documents-data.js';
import { documentsByMetadataCommon, documentsByMetadataRare } from './documents-by-metadata.js';
import { searchByName } from './search-by-name.js';

/** The read cases of the documents group. */
export const READS = [
  { kind: 'name', case: searchByName },
  { kind: 'common', case: documentsByMetadataCommon },
  { kind: 'rare', case: documentsByMetadataRare },
  { kind: 'clientsCommon', case: clientsByMetadataCommon },
  { kind: 'clientsRare', case: clientsByMetadataRare },
] as const satisfies readonly { kind: ReadKind; case: unknown }[];
