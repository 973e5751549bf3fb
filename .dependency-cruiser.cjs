/**
 * The one-way dependency rule of DESIGN.md:
 *   cli -> screens -> components/store -> services -> kinds -> adapters -> transport; domain is pure.
 * `npm run lint` fails on any violation. test/lint-rules.test.ts proves each rule fires.
 */
const IO_MODULES = '^(node:)?(fs|fs/promises|child_process|net|tls|http|https|dgram|cluster|worker_threads|readline)$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing of ours outside domain and does no I/O.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '(^|/)node_modules/(date-fns|@date-fns/tz|zod)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-no-io',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: IO_MODULES },
    },
    {
      name: 'adapters-do-not-spawn',
      comment: 'Adapters build commands and parse output; only transport touches ssh2/execa.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: ['(^|/)node_modules/(ssh2|execa|node-pty)/', '^(node:)?child_process$', '^(node:)?net$'] },
    },
    {
      name: 'adapters-see-only-runner-types',
      comment: 'Adapters use the Runner interface and command/error types, never a concrete runner.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: {
        path: '^src/(transport|services|store|cli|lab|kinds)/|^(screens|components)/',
        pathNot: '^src/transport/(command|runner|errors|index)\\.ts$',
      },
    },
    {
      name: 'only-transport-spawns',
      comment: 'ssh2 and execa belong to src/transport (and the lab, which is an SSH server).',
      severity: 'error',
      from: { pathNot: '^src/(transport|lab)/|^test/|^bench/' },
      to: { path: '(^|/)node_modules/(ssh2|execa)/|^(node:)?child_process$' },
    },
    {
      name: 'transport-is-the-bottom',
      severity: 'error',
      from: { path: '^src/transport/' },
      to: { path: '^src/(adapters|services|store|cli|lab|kinds)/|^(screens|components)/' },
    },
    {
      name: 'kinds-below-services',
      comment: 'A layer kind reads, plans and judges through adapters; it does not know the services that use it, the store or the UI.',
      severity: 'error',
      from: { path: '^src/kinds/' },
      to: { path: '^src/(services|store|cli|lab)/|^(screens|components)/' },
    },
    {
      name: 'services-below-store-and-ui',
      comment: 'Services report through callbacks and return values; they do not know the store or the UI.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(store|cli|lab)/|^(screens|components)/' },
    },
    {
      name: 'store-below-ui',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(cli|lab|transport|kinds|adapters)/|^(screens|components)/' },
    },
    {
      name: 'components-are-pure-views',
      comment: 'Components take props and return elements: no store, no services, no I/O.',
      severity: 'error',
      from: { path: '^components/' },
      to: { path: ['^src/(store|services|adapters|transport|cli|lab|kinds)/', '^screens/', '(^|/)node_modules/zustand/', IO_MODULES] },
    },
    {
      name: 'screens-use-store-not-io',
      severity: 'error',
      from: { path: '^screens/' },
      to: { path: ['^src/(adapters|transport|cli|lab|kinds|services)/', IO_MODULES] },
    },
    {
      name: 'lab-is-not-product-code',
      comment: 'Only the demo command and tests may start the simulated lab.',
      severity: 'error',
      from: { pathNot: '^src/lab/|^src/cli/|^test/|^bench/' },
      to: { path: '^src/lab/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
