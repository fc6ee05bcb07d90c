// Blind indexes: an equality lookup of an encrypted value without decrypting. The index of a
// value is HMAC-SHA256 of its text under a key derived (HKDF-SHA256) from the organization's
// blind-index data key for one table and column: equal values of one column of one tenant have
// equal indexes; across columns or tenants they are unrelated.
import { createHmac, hkdfSync } from 'node:crypto';
import { associatedData } from './associated-data.js';

/** Bytes of a blind index. */
export const BLIND_INDEX_BYTES = 32;

/** The key of the blind index of `table`.`column`, derived from a blind-index data key. */
export function blindIndexKey(dataKey: Uint8Array, table: string, column: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), associatedData('org-data/blind-index/v1', table, column), 32));
}

/**
 * The blind index of `value` under a column's key. Text is compared after Unicode NFC
 * normalisation only: normalise further (case, spaces) before, if lookups should ignore it.
 */
export function blindIndexOf(columnKey: Uint8Array, value: string): Buffer {
  return createHmac('sha256', columnKey).update(value.normalize('NFC'), 'utf8').digest();
}
