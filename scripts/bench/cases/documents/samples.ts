// The document reads' inputs: `sizes.sampleClients` random clients, each with a near-miss name
// query (the type, counterparty and period of one of its documents with two typos: swapped,
// dropped, doubled or replaced letters; half lower-cased), a common documents filter
// {status, year} and a common clients filter {tier, region}.
import type pg from 'pg';
import { seededRandom } from '../../../../src/core/kernel/random.js';
import { SEED } from './data.js';
import { DOCUMENT_STATUSES, FIRST_YEAR, REGIONS, TIERS, YEARS } from './word-lists.js';

/** One sampled client and its inputs. */
export interface Sample {
  readonly clientId: string;
  /** The document the name query was made from. */
  readonly documentId: string;
  readonly name: string;
  /** Near-miss name query. */
  readonly query: string;
  /** Common documents filter: {status, year}. */
  readonly common: { status: string; year: number };
  /** Common clients filter: {tier, region}. */
  readonly clientFilter: { tier: string; region: string };
}

/** The rare documents filter (~0.2% of a client). */
export const RARE_DOCUMENT_FILTER = { legalHold: true };
/** The rare clients filter (~1% of the clients). */
export const RARE_CLIENT_FILTER = { vip: true };

/** Two typos in the letters of `text`: swap, drop, double or replace. */
function withTypos(text: string, next: () => number): string {
  let chars = [...text];
  for (let typo = 0; typo < 2; typo += 1) {
    const letters = chars.flatMap((c, i) => (/[A-Za-z]/.test(c) && i + 1 < chars.length && /[A-Za-z]/.test(chars[i + 1]!) ? [i] : []));
    const at = letters[Math.floor(next() * letters.length)]!;
    const kind = Math.floor(next() * 4);
    if (kind === 0) chars = [...chars.slice(0, at), chars[at + 1]!, chars[at]!, ...chars.slice(at + 2)];
    else if (kind === 1) chars = [...chars.slice(0, at), ...chars.slice(at + 1)];
    else if (kind === 2) chars = [...chars.slice(0, at), chars[at]!, ...chars.slice(at)];
    else chars[at] = 'aeiou'[Math.floor(next() * 5)]!;
  }
  return chars.join('');
}

/** Picks `count` clients of the organization with a fixed seed, and their inputs. */
export async function sampleInputs(pool: pg.Pool, organizationId: string, count: number): Promise<Sample[]> {
  const next = seededRandom(SEED);
  const clients = (
    await pool.query(`SELECT id FROM clients WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY code`, [organizationId])
  ).rows.map((row) => row.id as string);
  const picked = new Set<string>();
  while (picked.size < Math.min(count, clients.length)) picked.add(clients[Math.floor(next() * clients.length)]!);
  const samples: Sample[] = [];
  for (const clientId of picked) {
    const live = (await pool.query(`SELECT count(*)::int AS n FROM documents WHERE client_id = $1 AND deleted_at IS NULL`, [clientId]))
      .rows[0].n as number;
    const document = (
      await pool.query(
        `SELECT id, original_name FROM documents WHERE client_id = $1 AND deleted_at IS NULL
         ORDER BY original_name LIMIT 1 OFFSET $2`,
        [clientId, Math.floor(next() * live)],
      )
    ).rows[0];
    const name = document.original_name as string;
    const stem = name.slice(0, name.indexOf(' - '));
    const query = withTypos(next() < 0.5 ? stem.toLowerCase() : stem, next);
    samples.push({
      clientId,
      documentId: document.id as string,
      name,
      query,
      common: { status: DOCUMENT_STATUSES[Math.floor(next() * 4)]!, year: FIRST_YEAR + Math.floor(next() * YEARS) },
      clientFilter: { tier: TIERS[Math.floor(next() * TIERS.length)]!, region: REGIONS[Math.floor(next() * REGIONS.length)]! },
    });
  }
  return samples;
}
