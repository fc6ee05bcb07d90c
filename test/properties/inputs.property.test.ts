// Property-based tests over the repository input schemas, against real PostgreSQL:
// - valid inputs are accepted by the database (no 22xxx/23xxx surprise behind the schema);
// - invalid inputs raise ValidationError before any SQL is sent;
// - strings with quotes, unicode and SQL fragments round-trip exactly.
import fc from 'fast-check';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/core/database/create-database.js';
import { DataError } from '../../src/core/errors/data-error.js';
import { ValidationError } from '../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { seedDefaults } from '../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../helpers/database.js';
import { anObject } from '../helpers/documents.js';

const RUNS = { numRuns: 60 };

/** Text PostgreSQL can store and our schemas accept: any unicode but NUL, trimmed non-blank. */
const text = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max })
    .map((s) => s.replaceAll('\u0000', ''))
    .filter((s) => s.trim().length > 0 && s.trim().length <= max && s.trim() === s);

/** Strings that tend to break naive SQL and encodings. */
const nasty = fc.constantFrom(
  "O'Brien",
  'Robert"); DROP TABLE users;--',
  "'; SELECT pg_sleep(10); --",
  '\\x00\\n\\t',
  'Ñguyễn Thị Ánh 🌸',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧪 テスト',
  '$$ dollar $$',
  'E\'\\\\\'',
  '%_ wildcards %_',
  '‮right-to-left',
);
const name = fc.oneof(nasty, text(200));

const slug = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('-'))
  .filter((s) => s.length <= 63);
const localPart = fc.stringMatching(/^[A-Za-z0-9._%+'-]{1,20}$/);
const domain = fc
  .array(fc.stringMatching(/^[a-z0-9-]{1,10}$/), { minLength: 2, maxLength: 3 })
  .map((labels) => labels.join('.'));

describe('input schemas: properties on a real database', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let counted: Kysely<DB>;
  let queries = 0;
  let organizationId: string;
  let serial = 0;

  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    counted = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 2 }) }),
      log: () => {
        queries += 1;
      },
    });
    repos = createRepositories(counted);
    organizationId = (await repos.organizations.create({ slug: 'props', name: 'Properties' })).id;
  });
  afterAll(async () => {
    await counted?.destroy();
  });

  /** Runs `call`; a ValidationError must come with zero queries sent. */
  async function validatedFirst(call: () => Promise<unknown>): Promise<'valid' | 'invalid'> {
    queries = 0;
    try {
      await call();
      return 'valid';
    } catch (error) {
      if (error instanceof ValidationError) {
        expect(queries).toBe(0);
        return 'invalid';
      }
      throw error;
    }
  }

  it('organizations: any valid slug/name round-trips; anything else is refused before SQL', async () => {
    await fc.assert(
      fc.asyncProperty(slug, name, async (s, n) => {
        serial += 1;
        const org = await repos.organizations.create({ slug: `${s}-${serial}`, name: n });
        expect(org.name).toBe(n.trim());
        expect((await repos.organizations.findById(org.id))?.name).toBe(n.trim());
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 300 }), async (s, n) => {
        const outcome = await validatedFirst(() => repos.organizations.create({ slug: `${s}x${(serial += 1)}`, name: n }));
        if (outcome === 'valid') expect(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(`${s}x${serial}`)).toBe(true);
      }),
      RUNS,
    );
  });

  it('users: valid registrations are accepted by every CHECK; strings round-trip exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        localPart,
        domain,
        name,
        fc.oneof(nasty, text(255)),
        fc.constantFrom('en', 'vi-VN', 'zh-Hant-TW', 'de'),
        fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/Argentina/Buenos_Aires'),
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }),
        async (local, dom, fullName, subject, locale, timeZone, born) => {
          serial += 1;
          const email = `${local}.${serial}@${dom}`;
          if (email.length > 254) return;
          const { user, profile } = await repos.users.register({
            organizationId,
            authSubject: `${subject}#${serial}`,
            email,
            fullName,
            birthdate: born.toISOString().slice(0, 10),
            locale,
            timeZone,
          });
          expect(user.email).toBe(email);
          expect(user.authSubject).toBe(`${subject}#${serial}`);
          expect(profile.fullName).toBe(fullName.trim());
          expect((await repos.users.findByAuthSubject(user.authSubject))?.id).toBe(user.id);
        },
      ),
      RUNS,
    );
  });

  it('users: malformed emails, subjects, names, locales, zones and dates are refused before SQL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          email: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a@b'), fc.constant(`${'x'.repeat(250)}@e.com`)),
          fullName: fc.oneof(fc.constant('   '), fc.constant('x\u0000y'), fc.string({ maxLength: 3 })),
          locale: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('en')),
          timeZone: fc.oneof(fc.constantFrom('Mars/Base', 'UTC+99', '../etc'), fc.constant('UTC')),
          birthdate: fc.oneof(fc.constantFrom('1899-12-31', '2999-01-01', '2020-02-30', 'yesterday'), fc.constant(null)),
        }),
        async (input) => {
          await validatedFirst(() =>
            repos.users.register({ organizationId, authSubject: `bad-${(serial += 1)}`, ...input }),
          );
        },
      ),
      RUNS,
    );
  });

  it('clients and documents: metadata and names of any shape round-trip; the database accepts what the schemas accept', async () => {
    const client = await repos.clients.create({ organizationId, code: 'PROP', name: 'Props' });
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const metadata = fc.dictionary(fc.string({ maxLength: 10 }).filter((k) => !k.includes('\u0000')), json, { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(fc.oneof(nasty, text(300)), metadata, async (fileName, meta) => {
        serial += 1;
        const originalName = `${fileName} (${serial})`;
        const outcome = await validatedFirst(async () => {
          const { document } = await repos.documents.create({
            clientId: client.id,
            originalName,
            mimeType: 'application/octet-stream',
            metadata: meta,
            ...anObject(),
          });
          expect(document.originalName).toBe(originalName.trim());
          expect(document.metadata).toEqual(meta);
        });
        // Every metadata fast-check builds without NUL (or a `__proto__` key, which validation
        // refuses rather than drop) is valid JSON of a sane size.
        if (outcome === 'invalid') expect(JSON.stringify(meta)).toMatch(/\\u0000|"__proto__"/);
      }),
      RUNS,
    );
  });

  it('roles, permissions and units: valid names are stored, invalid ones refused before SQL', async () => {
    const roleName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/);
    await fc.assert(
      fc.asyncProperty(roleName, roleName, fc.oneof(nasty, text(200)), async (a, b, description) => {
        serial += 1;
        const role = await repos.roles.create({ name: `${a}-${serial}`, description });
        expect(role.description).toBe(description.trim());
        const permission = await repos.roles.createPermission({ name: `${a}${serial}:${b}` });
        expect(await repos.roles.grantPermission(role.id, permission.name)).toBe(true);
        const unit = await repos.units.create({ organizationId, code: `U${serial}.${a}`, name: description });
        expect(unit.name).toBe(description.trim());
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (anything) => {
        const outcome = await validatedFirst(() => repos.roles.createPermission({ name: anything }));
        if (outcome === 'valid') expect(anything).toMatch(/^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/);
      }),
      RUNS,
    );
  });

  it('staff profiles: any valid edit is accepted by every CHECK of the state machine table', async () => {
    const world = await (await import('../helpers/staff.js')).aStaffWorld(testDb.current.db);
    const employeeId = fc.stringMatching(/^[A-Z0-9-]{3,24}$/);
    const title = fc.constantFrom(null, 'none', 'bachelor', 'master', 'doctor', 'other');
    await fc.assert(
      fc.asyncProperty(employeeId, title, fc.option(fc.oneof(nasty, text(120))), async (emp, code, jobTitle) => {
        serial += 1;
        const patch = {
          employeeId: `${emp}-${serial}`.slice(-32),
          academicTitleCode: code,
          ...(code === 'other' ? { academicTitleOther: 'Visiting fellow' } : {}),
          jobTitle,
        };
        const outcome = await validatedFirst(() => world.asApplicant.staffProfiles.edit(world.applicantId, patch));
        if (outcome === 'valid') {
          const current = await world.system.staffProfiles.getByUserId(world.applicantId);
          expect(current.jobTitle).toBe(jobTitle === null ? null : jobTitle.trim());
        }
      }),
      { numRuns: 30 },
    );
  });

  it('profile updates, client updates, settings and new versions: valid is stored, invalid refused before SQL', async () => {
    const { user } = await repos.users.register({
      organizationId,
      authSubject: `upd-${(serial += 1)}`,
      email: `upd${serial}@example.com`,
      fullName: 'Updater',
    });
    const client = await repos.clients.create({ organizationId, code: `UPD${serial}`, name: 'Updatable' });
    const { document } = await repos.documents.create({
      clientId: client.id,
      originalName: `v-${serial}.bin`,
      mimeType: 'application/octet-stream',
      ...anObject(),
    });
    let version = document.currentVersion;
    const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ fullName: fc.option(name, { nil: undefined }), locale: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) }),
        fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }),
        fc.record({ sizeBytes: fc.integer({ min: -5, max: 2 ** 40 }), checksum: fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{64}$/), fc.string({ maxLength: 70 })) }),
        fc.oneof(fc.constant({}), fc.record({ primaryColor: fc.string({ maxLength: 9 }) })),
        async (profilePatch, metadata, object, branding) => {
          await validatedFirst(() => repos.users.updateProfile(user.id, profilePatch));
          const clientOutcome = await validatedFirst(() => repos.clients.update(client.id, { metadata }));
          if (clientOutcome === 'valid') expect((await repos.clients.findById(client.id))?.metadata).toEqual(metadata);
          await validatedFirst(() => repos.organizations.updateSettings(organizationId, { branding }));
          const added = await validatedFirst(async () => {
            const result = await repos.documents.addVersion(document.id, {
              expectedVersion: version,
              storageKey: `objects/prop-${(serial += 1)}`,
              checksumSha256: object.checksum,
              sizeBytes: object.sizeBytes,
            });
            version = result.document.currentVersion;
            expect(result.version.sizeBytes).toBe(object.sizeBytes);
          });
          if (added === 'valid') expect(object.sizeBytes).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('no input that passes validation ever surfaces a raw driver error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (code, clientName) => {
        try {
          await repos.clients.create({ organizationId, code, name: clientName });
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          expect(['VALIDATION', 'UNIQUE_VIOLATION']).toContain((error as DataError).code);
        }
      }),
      RUNS,
    );
  });
});
