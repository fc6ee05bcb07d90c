// Dependency rules of @org/data (docs: ../shared/ARCHITECTURE.md, issue 8 part 5), checked by
// `npm run lint:deps` in .ci/run.
//
// Layers: src/schema (generated DB types) ← src/core (knows no aggregate) ← src/contexts/<ctx>
// (one folder per bounded context) ← the entry files (src/index.ts, src/repositories.ts,
// src/schemas.ts, src/testing, src/cli). A context reaches another context only through that
// context's public src/contexts/<ctx>/index.ts.
//
// Type-only imports (`import type`, `import { type X }`) are in the graph
// (tsPreCompilationDeps: true) and count for every rule, cycles included. They vanish at run
// time, so a type cycle causes no load-order bug; but a type import from core into a context, or a
// type cycle between two modules, is the same coupling the rules are there to stop (core would
// have to change when a context does), and today's tree has none. `schemas-zod-only` counts them
// too (dependency-cruiser cannot filter a reachability rule by edge type): keep the schemas'
// imports within *.inputs.ts and src/core/kernel; test/public/schemas-isolation.test.ts is the
// runtime proof.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-context',
      severity: 'error',
      comment:
        'src/core knows no aggregate: it must not import (not even a type) from src/contexts. ' +
        'Let the context hand what core needs to it (a descriptor, a callback) instead.',
      from: { path: '^src/core/' },
      to: { path: '^src/contexts/' },
    },
    {
      name: 'core-imports-only-core-and-schema',
      severity: 'error',
      comment:
        'src/core may import src/core and src/schema only, not the entry files above every layer ' +
        '(src/index.ts, src/repositories.ts, src/schemas.ts, src/testing, src/cli): through them ' +
        'it would reach every context.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/(core|schema|contexts)/' },
    },
    {
      name: 'context-imports-only-core-schema-and-contexts',
      severity: 'error',
      comment:
        'A context imports src/core, src/schema, its own folder and other contexts (through ' +
        'their index.ts, see context-through-public-index): never the entry files.',
      from: { path: '^src/contexts/' },
      to: { path: '^src/', pathNot: '^src/(core|schema|contexts)/' },
    },
    {
      name: 'context-through-public-index',
      severity: 'error',
      comment:
        'A context reaches another context only through its public index.ts ' +
        '(src/contexts/<other>/index.ts), never into its aggregate folders.',
      from: { path: '^src/contexts/([^/]+)/' },
      to: {
        path: '^src/contexts/[^/]+/',
        pathNot: ['^src/contexts/$1/', '^src/contexts/[^/]+/index[.]ts$'],
      },
    },
    {
      name: 'schema-imports-nothing-of-src',
      severity: 'error',
      comment: 'src/schema is generated from sql/migrations (npm run codegen): it depends on no other layer.',
      from: { path: '^src/schema/' },
      to: { path: '^src/', pathNot: '^src/schema/' },
    },
    {
      name: 'src-imports-no-test-or-scripts',
      severity: 'error',
      comment: 'Shipped code must not depend on tests or repository scripts (they are not in the tarball).',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No cycles, type-only ones included (see the note at the top of this file). Break one ' +
        'by moving the shared type or function into the lower of the two modules.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'schemas-zod-only',
      severity: 'error',
      comment:
        '@org/data/schemas (src/schemas.ts) is for front ends: nothing it loads at run time may ' +
        'reach pg or kysely. test/public/schemas-isolation.test.ts proves the same at run time.',
      from: { path: '^src/schemas[.]ts$' },
      to: {
        path: '(^|/)node_modules/(pg|kysely|pg-[^/]+)/',
        reachable: true,
      },
    },
    {
      name: 'src-no-dev-only-package',
      severity: 'error',
      comment:
        'Shipped code may import dependencies and peer dependencies only: a package that is ' +
        'only in devDependencies is not installed for a service.',
      from: { path: '^src/' },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['npm-peer', 'npm', 'type-only'],
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing on disk (a typo, or a package missing from package.json).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'An import of an npm package that package.json does not list.',
      from: {},
      to: {
        dependencyTypes: ['npm-no-pkg', 'npm-unknown'],
        // dependency-cruiser 17 tags a `typeof import('pkg')` type (src/testing/postgres-server.ts)
        // npm-no-pkg next to the section the package IS listed in: only flag packages that are
        // in no section of package.json.
        dependencyTypesNot: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'],
      },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    // Type-only imports count (see the note at the top).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      archi: { collapsePattern: '^src/(contexts/[^/]+|[^/]+)|^node_modules/(@[^/]+/[^/]+|[^/]+)' },
    },
  },
};
