import type { Kysely } from 'kysely';
import type { DB } from '../../../schema/db.js';
import { DEFAULT_USER_ROLE } from '../rbac/default-role.js';
import { seededRandom } from '../../../core/kernel/random.js';
import { seedDefaults } from './seed-defaults.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { mapDatabaseError } from '../../../core/errors/map-database-error.js';
import { databaseArgument } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { z } from 'zod';
import {
  insertSeedOrganization,
  insertSeedProfiles,
  insertSeedStaffProfiles,
  insertSeedUserRoles,
  insertSeedUsers,
  liveOrganizationIdBySlug,
  roleIdByName,
} from './seed-dev-data-statements.js';

/** Options of {@link seedDevData}. */
export interface SeedDevDataOptions {
  /** Same seed, same data. (Default: `42`) */
  readonly seed?: number;
  /** (Default: `3`) */
  readonly organizations?: number;
  /** (Default: `20`) */
  readonly usersPerOrganization?: number;
  /** Rows per INSERT. (Default: `1000`) */
  readonly batchSize?: number;
  /** Called after every batch with the users written so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

const OptionsSchema = z
  .object({
    seed: z.int().optional(),
    organizations: z.int().min(0).max(1_000).optional(),
    usersPerOrganization: z.int().min(0).max(1_000_000).optional(),
    batchSize: z.int().min(1).max(10_000).optional(),
    onProgress: z.custom<(done: number, total: number) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .strict()
  .optional();

/** What {@link seedDevData} wrote (existing rows are skipped, so a second run writes 0). */
export interface SeedDevDataResult {
  /** Ids of the seeded organizations, created now or earlier. */
  readonly organizationIds: readonly string[];
  /** Users created by this call. */
  readonly usersCreated: number;
}

const FIRST = ['An', 'Binh', 'Chi', 'Dung', 'Giang', 'Hoa', 'Huy', 'Lan', 'Linh', 'Minh', 'Nam', 'Ngoc', 'Phuong', 'Quang', 'Thao', 'Trang', 'Tuan', 'Vy', 'Alice', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemal', 'Lucia'];
const LAST = ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Phan', 'Vu', 'Dang', 'Bui', 'Do', 'Ho', 'Ngo', 'Duong', 'Ly', 'Smith', 'Garcia', 'Muller', 'Rossi', 'Kowalski', 'Tanaka', 'Silva', 'Novak', 'Berg', 'Okafor'];
const COMPANIES = ['Lotus', 'Mekong', 'Harbor', 'Summit', 'Cedar', 'Aurora', 'Delta', 'Granite', 'Willow', 'Orbit'];
const ZONES = ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Tokyo'];
const LOCALES = ['vi-VN', 'en-US', 'de-DE', 'en-GB', 'ja-JP'];

/**
 * Fills a migrated database with realistic fake organizations and users (with profiles, draft
 * staff profiles and the `user` role) for local work and benchmarks. Deterministic for a given seed and
 * idempotent: rows that exist (by slug or auth subject) are skipped. Runs `seedDefaults` first.
 *
 * @throws ValidationError for options out of range (at most 1,000 organizations of 1,000,000
 *   users, batches of 1–10,000); PostgreSQL errors mapped to `DataError`s.
 */
export async function seedDevData(db: Kysely<DB>, options?: SeedDevDataOptions): Promise<SeedDevDataResult> {
  databaseArgument(db);
  const valid = (parseInput(OptionsSchema, options, 'options') ?? {}) as SeedDevDataOptions;
  try {
    return await seedDevRows(db, valid);
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

async function seedDevRows(db: Kysely<DB>, options: SeedDevDataOptions): Promise<SeedDevDataResult> {
  const seed = options.seed ?? 42;
  const organizations = options.organizations ?? 3;
  const perOrganization = options.usersPerOrganization ?? 20;
  const batchSize = options.batchSize ?? 1000;
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  await seedDefaults(db);
  const [role] = await roleIdByName(db, { name: DEFAULT_USER_ROLE });
  if (!role) throw new NotFoundError('role');
  const organizationIds: string[] = [];
  const total = organizations * perOrganization;
  let done = 0;
  let usersCreated = 0;
  for (let o = 0; o < organizations; o += 1) {
    const company = pick(COMPANIES);
    const slug = `dev-${seed}-${company.toLowerCase()}-${o + 1}`;
    await insertSeedOrganization(db, { slug, name: `${company} ${o + 1}`, settings: JSON.stringify({ defaultLocale: pick(LOCALES) }) });
    const [org] = await liveOrganizationIdBySlug(db, { slug });
    if (!org) throw new NotFoundError('organization'); // deleted meanwhile
    organizationIds.push(org.id);
    for (let start = 0; start < perOrganization; start += batchSize) {
      const count = Math.min(batchSize, perOrganization - start);
      const people = Array.from({ length: count }, (_, i) => {
        const first = pick(FIRST);
        const last = pick(LAST);
        const n = start + i + 1;
        const year = 1960 + Math.floor(next() * 45);
        const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
        const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
        return {
          authSubject: `dev|${seed}|${o + 1}|${n}`,
          email: `${first}.${last}.${n}@${company.toLowerCase()}-${o + 1}.example.com`.toLowerCase(),
          fullName: `${first} ${last}`,
          birthdate: `${year}-${month}-${day}`,
          locale: pick(LOCALES),
          timeZone: pick(ZONES),
        };
      });
      await db.transaction().execute(async (trx) => {
        const users = await insertSeedUsers(trx, {
          org: org.id,
          subjects: people.map((p) => p.authSubject),
          emails: people.map((p) => p.email),
        });
        if (users.length === 0) return;
        const bySubject = new Map(people.map((p) => [p.authSubject, p]));
        const created = users.map((u) => bySubject.get(u.auth_subject)!);
        const ids = users.map((u) => u.id);
        await insertSeedProfiles(trx, {
          org: org.id,
          users: ids,
          names: created.map((p) => p.fullName),
          birthdates: created.map((p) => p.birthdate),
          locales: created.map((p) => p.locale),
          zones: created.map((p) => p.timeZone),
        });
        await insertSeedUserRoles(trx, { org: org.id, role: role.id, users: ids });
        await insertSeedStaffProfiles(trx, { org: org.id, users: ids });
        usersCreated += users.length;
      });
      done += count;
      options.onProgress?.(done, total);
    }
  }
  return Object.freeze({ organizationIds, usersCreated });
}
