// Section "encryption" (issue 12): what sealing a field costs. An encrypted column against a
// plaintext one, written and read in a unit of work (encrypted-field.ts), and encrypt + decrypt
// of one field in a tight loop in this process (no database).
import { randomUUID } from 'node:crypto';
import { markdownTable } from '../../support.js';
import type { BenchGroup } from '../../case.js';
import { summarize } from '../../measure.js';
import { resultOf, sideOf } from '../../report.js';
import { unitOfWork } from '../../../../src/repositories.js';
import type { Keyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { encryptedInsert, encryptedRead, SECRET } from './encrypted-field.js';
import { resolveApiKey } from './resolve-api-key.js';

/** Encrypt + decrypt pairs timed in the loop. */
const LOOP = 20_000;

/** The encryption section. */
export const encryption: BenchGroup = {
  section: 'encryption',
  title: 'Field encryption and API keys',
  method: `${encryptedInsert.iterations} inserts and ${encryptedRead.iterations} reads per side after ${encryptedInsert.warmup} warm-up iterations; ${LOOP} encrypt + decrypt pairs in a loop`,
  cases: [encryptedInsert, encryptedRead, resolveApiKey],
  report: async (results, { setup }) => {
    const row = (label: string, side: { median: number; p99: number }, base: { median: number; p99: number }) => [
      label,
      side.median.toFixed(1),
      side.p99.toFixed(1),
      (side.median / base.median).toFixed(3),
    ];
    const plainInsert = summarize(sideOf(results, encryptedInsert, 'raw'));
    const sealedInsert = summarize(sideOf(results, encryptedInsert, 'encrypted'));
    const plainRead = summarize(sideOf(results, encryptedRead, 'raw'));
    const sealedRead = summarize(sideOf(results, encryptedRead, 'decrypted'));
    const table = markdownTable(
      ['unit of work (BEGIN + tenant, one statement, COMMIT)', 'median µs', 'p99 µs', 'median ratio to plaintext'],
      [
        row('insert, secret as text', plainInsert, plainInsert),
        row('insert, secret encrypted', sealedInsert, plainInsert),
        row('read, secret as text', plainRead, plainRead),
        row('read, secret decrypted', sealedRead, plainRead),
      ],
    );
    // The loop: one field sealed and opened, keys cached (no database round trip), in one unit of work.
    const { organizationId, keyring } = resultOf(results, encryptedInsert).state as { organizationId: string; keyring: Keyring };
    const perPair = await unitOfWork(setup.db, { tenant: organizationId }, async (uow) => {
      const field = { table: 'bench_secrets', column: 'secret_encrypted', rowId: randomUUID() };
      for (let i = 0; i < 1000; i += 1) await keyring.decrypt(uow, field, await keyring.encrypt(uow, field, SECRET));
      const start = process.hrtime.bigint();
      for (let i = 0; i < LOOP; i += 1) await keyring.decrypt(uow, field, await keyring.encrypt(uow, field, SECRET));
      return Number(process.hrtime.bigint() - start) / 1000 / LOOP;
    });
    const resolveRepo = summarize(sideOf(results, resolveApiKey, 'repo'));
    const resolveRaw = summarize(sideOf(results, resolveApiKey, 'raw'));
    const keys = markdownTable(
      ['apiKeys.resolve', 'median µs', 'p99 µs', 'median ratio to raw pg'],
      [row('raw pg, the same statements', resolveRaw, resolveRaw), row('apiKeys.resolve', resolveRepo, resolveRaw)],
    );
    return `${table}\n\n${keys}\n\nEncrypt + decrypt of one ${SECRET.length}-byte field in this process (AES-256-GCM, data key cached, no round trip): **${perPair.toFixed(1)} µs** per pair (mean of ${LOOP}).`;
  },
};
