import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { EncryptionKeyStatus } from './encryption-key-machine.js';

/** What a data key encrypts: field values, or the keys of blind indexes. */
export type KeyPurpose = 'field' | 'blind_index';

/** The purposes of data keys, at run time (see {@link KeyPurpose}). */
export const KEY_PURPOSES: readonly KeyPurpose[] = Object.freeze(['field', 'blind_index']);

/** A data key of an organization, as the package shows it: never the key itself, wrapped or not. */
export interface EncryptionKey {
  /** Primary key (uuid); written into every value the key encrypts. */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** What it encrypts. */
  readonly purpose: KeyPurpose;
  /** 1, 2, … per organization and purpose. */
  readonly version: number;
  /** `active`: encrypts new values; `retired`: only decrypts. */
  readonly status: EncryptionKeyStatus;
  /** The key provider that wrapped it (`local`, `aws-kms`, …). */
  readonly provider: string;
  /** The provider's master key that wrapped it (a local key's id, a KMS key ARN). */
  readonly masterKeyId: string;
  /** When it was retired; `null` while active. */
  readonly retiredAt: Date | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed (retired, re-wrapped). */
  readonly updatedAt: Date;
}

/**
 * Data keys: per tenant, audited (creation, rotation, re-wrapping) with a whitelist that leaves
 * out the wrapped key.
 */
export const encryptionKeyAggregate = defineAggregate<EncryptionKey>()({
  name: 'encryption_key',
  table: 'encryption_keys',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    purpose: 'purpose',
    version: 'version',
    status: 'status',
    provider: 'provider',
    masterKeyId: 'master_key_id',
    retiredAt: 'retired_at',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'purpose', 'version', 'status', 'provider', 'masterKeyId', 'retiredAt'],
  actions: ['create', 'rotate', 'rewrap'],
});
