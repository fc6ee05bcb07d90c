import { clientAggregate } from './clients/client.js';
import { documentAggregate, documentVersionAggregate } from './documents/document.js';

/** Every aggregate (and table) of the documents context, declared once each. */
export const DOCUMENTS_AGGREGATES = Object.freeze([clientAggregate, documentAggregate, documentVersionAggregate] as const);
