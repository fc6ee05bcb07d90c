import { seedDefaults } from '../../contexts/identity/seeders/seed-defaults.js';
import { defineCommand, noPositionals } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `org-data seed`: the default roles and permissions, as the owner. */
export const seedCommand = defineCommand({
  name: 'seed',
  summary: 'create the default roles and permissions, idempotently (owner connection)',
  synopsis: 'seed',
  details: [
    'Creates the default roles and permissions and their grants; existing ones are left as they',
    'are. The global tables are written by the owner only, so it runs as the owner connection.',
  ],
  options: {},
  parse(args) {
    noPositionals(args);
    return {};
  },
  async run(_input, context) {
    const db = context.open(await context.loadConfig('owner'));
    const result = await seedDefaults(db);
    context.io.out(`seeded: ${result.roles} roles, ${result.permissions} permissions, ${result.grants} grants created`);
    return EXIT.ok;
  },
});
