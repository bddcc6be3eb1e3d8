// Import rules, checked in CI (`npm run check:imports`). The server's folders are of three kinds:
// - shared layers, which know no feature: errors/ (the neutral API error), db/, http/, crypto/,
//   events/ (the outbox), oauth-protocol/ (RFC 6749 forms, errors, issuer URLs), clock/, config/,
//   templates/ (the files emails and pages render from, per realm), outbound/ (fetches from URLs
//   clients name: the SSRF rules, remote key sets);
// - features (every other folder under apps/server/src), which reach another feature only through
//   its service (`*.service.ts`) or presenter (`*.presenter.ts`, how its records show in answers),
//   and another feature's entity only as a type;
// - entry points, which wire everything: the files at the root of src/ (the composition root) and
//   cli/. Nothing but an entry point imports them.
const SERVER = '^apps/server/src/';
const SHARED = `${SERVER}(errors|db|http|crypto|events|oauth-protocol|clock|config|templates|outbound)/`;
const ENTRY = `${SERVER}(cli/|[^/]+\\.ts$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module cycle: split the shared part out, or pass it in.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders import each other: each folder is read and changed alone only when they do not.',
      severity: 'error',
      scope: 'folder',
      from: { path: SERVER },
      to: { circular: true },
    },
    {
      name: 'shared-layers-know-no-feature',
      comment: 'errors/, db/, http/ and the other shared layers import only each other, the contract and packages.',
      severity: 'error',
      from: { path: SHARED },
      to: { path: SERVER, pathNot: SHARED },
    },
    {
      name: 'only-entry-points-import-entry-points',
      comment: 'The root of src/ and cli/ wire the process; features and layers are passed what they need.',
      severity: 'error',
      from: { path: SERVER, pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'features-meet-through-services',
      comment:
        'A feature reaches another through its service or presenter, not its internals (routes, helpers, queries).',
      severity: 'error',
      from: { path: `${SERVER}([^/]+)/`, pathNot: [SHARED, ENTRY] },
      to: {
        path: SERVER,
        pathNot: [`${SERVER}$1/`, SHARED, ENTRY, '\\.service\\.ts$', '\\.presenter\\.ts$', '\\.entity\\.ts$'],
      },
    },
    {
      name: 'other-features-entities-as-types',
      comment: "Another feature's entity is read through that feature's service; its type may be named.",
      severity: 'error',
      from: { path: `${SERVER}([^/]+)/`, pathNot: [SHARED, ENTRY] },
      to: { path: `${SERVER}[^/]+/[^/]+\\.entity\\.ts$`, pathNot: `${SERVER}$1/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'contract-stands-alone',
      comment: 'The contract knows nothing of servers or clients.',
      severity: 'error',
      from: { path: '^packages/contract/' },
      to: { path: '^(apps|packages/sdk|examples|bench)/' },
    },
    {
      name: 'sdk-never-imports-the-server',
      severity: 'error',
      from: { path: '^packages/sdk/' },
      to: { path: '^(apps|examples|bench)/' },
    },
    {
      name: 'sdk-runs-in-browsers',
      comment:
        'The SDK is isomorphic: only its Node.js entry (@realmkit/sdk/node) may import a Node built-in, ' +
        'so that browser bundles of @realmkit/sdk never meet one.',
      severity: 'error',
      from: { path: '^packages/sdk/src/', pathNot: '^packages/sdk/src/node\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-tests-or-examples',
      severity: 'error',
      from: { pathNot: '(^examples/|/test/|^bench/)' },
      to: { path: '(^examples/|/test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/)' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['realmkit-source', 'import', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
