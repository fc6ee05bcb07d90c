// apiKeys.resolve(db, secret) as a service calls it for every request carrying an API key,
// against the same statements by hand with raw pg: BEGIN; the lookup setting (the secret's keyed
// hash) with the tenant check; the key with its permissions (its organization set as the
// tenant); whether that organization is live; COMMIT. Its last use is recorded at most every five minutes, so after the first call
// no UPDATE is sent. The key is made in the seed, directly in SQL.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createApiKeys } from '../../../../src/contexts/integrations/api-keys/api-keys.js';
import { defineCase } from '../../case.js';
import { rawTransaction } from '../../support.js';
import { seedWorld } from '../identity/world.js';

const HASH_KEY = randomBytes(32).toString('base64');
const apiKeys = createApiKeys({ hashKey: HASH_KEY });

const START_SQL = `SELECT set_config('app.api_key_lookup', $1::text, true) AS lookup, nullif(current_setting('app.organization_id', true), '') AS tenant`;
const LOOKUP_SQL =
  `SELECT k.id, k.organization_id AS "organizationId", k.name, ARRAY(SELECT p.name FROM api_key_permissions kp JOIN permissions p ON p.id = kp.permission_id ` +
  `WHERE kp.api_key_id = k.id ORDER BY p.name) AS permissions, (k.last_used_at IS NULL OR k.last_used_at < now() - interval '5 minutes') AS stale, ` +
  `set_config('app.organization_id', k.organization_id::text, true) AS tenant FROM api_keys k ` +
  `WHERE k.secret_hash = decode($1::text, 'hex') AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`;

const LIVE_SQL = `SELECT deleted_at IS NULL AS live FROM organizations WHERE id = $1::uuid`;

interface State {
  readonly secret: string;
}

/** Resolving a presented API key. */
export const resolveApiKey = defineCase<State>({
  name: 'apiKeys.resolve (the key of a secret, before the tenant is known)',
  seed: async (ctx) => {
    const organizations = await seedWorld(ctx);
    const organizationId = organizations[3] ?? organizations[0]!;
    const secret = `pk_live_${randomBytes(32).toString('base64url')}`;
    const hash = createHmac('sha256', Buffer.from(HASH_KEY, 'base64')).update(secret).digest();
    const { db } = ctx.setup;
    await sql`
      WITH creator AS (SELECT id FROM users WHERE organization_id = ${organizationId} ORDER BY id LIMIT 1),
      k AS (
        INSERT INTO api_keys (organization_id, name, prefix, secret_hash, created_by_user_id)
        SELECT ${organizationId}, 'bench key', 'pk_live_', ${hash}, id FROM creator RETURNING organization_id, id
      )
      INSERT INTO api_key_permissions (organization_id, api_key_id, permission_id)
      SELECT k.organization_id, k.id, p.id FROM k CROSS JOIN permissions p WHERE p.name IN ('user:read', 'role:read')`.execute(db);
    return { secret };
  },
  repo: (s, on) => () => apiKeys.resolve(on.db, s.secret),
  raw: (s, on) => () => {
    const hash = createHmac('sha256', Buffer.from(HASH_KEY, 'base64')).update(s.secret).digest('hex');
    return rawTransaction(on.pool, async (client) => {
      const started = (await client.query(START_SQL, [hash])).rows[0];
      assert.equal(started?.tenant, null);
      const found = (await client.query(LOOKUP_SQL, [hash])).rows[0];
      if (!found) return undefined;
      const live = (await client.query(LIVE_SQL, [found.organizationId])).rows[0];
      assert.equal(live?.live, true);
      return { apiKeyId: found.id, organizationId: found.organizationId, name: found.name, permissions: found.permissions };
    });
  },
  sameSql: async (_s, check) => {
    // The first call records the key's use (an UPDATE the raw side does not send): made before.
    await check.run(resolveApiKey.repo!, 0);
    const { repo } = await check.same(1);
    assert.ok(repo, 'the bench key resolves');
    assert.deepEqual((repo as { permissions: string[] }).permissions, ['role:read', 'user:read']);
  },
  iterations: 1000,
  warmup: 100,
});
