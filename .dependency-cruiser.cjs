// The dependency rules of ARCHITECTURE.md, checked by `npm run deps` (part of `npm test`).
// Dependencies point down: shared-layer (the contract) <- foundation (net, policy, aws, template,
// clock, settings) <- jobs (ports and adapters) <- processor | api (use-cases) <- handlers (Lambda
// entry points) <- cli, local (one machine) <- scripts, tests. Type-only imports count.

/** A rule that forbids imports from `from` to `to` (both path regular expressions). */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

const USE_CASES_AND_ABOVE = '^src/(api|processor|handlers|cli|local)/|^src/cli[.]ts$';

module.exports = {
  forbidden: [
    forbid(
      'shared-layer-is-the-contract',
      'The shared layer ships to every function on its own: it cannot reach into src/.',
      { path: '^shared-layer/' },
      { path: '^src/' },
    ),
    forbid(
      'client-stands-alone',
      'The client package is published on its own: its types come from docs/openapi.json, not from src/.',
      { path: '^client/' },
      { path: '^(src|shared-layer|scripts|tests)/' },
    ),
    forbid(
      'console-is-a-browser-page',
      'The console runs in a browser: it speaks to the API through the client and checks specs with the contract, nothing else of the repository.',
      { path: '^console/' },
      { path: '^(src|scripts|tests|bin)/' },
    ),
    forbid(
      'foundation-stays-below',
      'net, policy, aws, template, clock and settings are used by every layer and use none of them.',
      { path: '^src/(net|policy|aws|template|timeline)/|^src/(clock|settings)[.]ts$' },
      { path: `^src/jobs/|${USE_CASES_AND_ABOVE}` },
    ),
    forbid(
      'jobs-below-use-cases',
      'Ports and AWS adapters know nothing of the use-cases that drive them.',
      { path: '^src/jobs/' },
      { path: USE_CASES_AND_ABOVE },
    ),
    forbid(
      'processor-not-to-api-or-entry-points',
      'The job use-case runs in the processor image, the CLI and the local stack alike.',
      { path: '^src/processor/' },
      { path: '^src/(api|handlers|cli|local)/|^src/cli[.]ts$' },
    ),
    forbid(
      'api-not-to-processor-or-entry-points',
      'The API functions are small zip bundles: no renderer, no ffmpeg, no handler wiring.',
      { path: '^src/api/' },
      { path: '^src/(processor|handlers|cli|local)/|^src/cli[.]ts$' },
    ),
    forbid(
      'handlers-not-to-one-machine',
      'What Lambda loads never depends on the CLI or the local stand-ins.',
      { path: '^src/handlers/' },
      { path: '^src/(cli|local)/|^src/cli[.]ts$' },
    ),
    forbid(
      'local-only-from-the-edges',
      'Only the CLI, scripts and tests start the local stack.',
      { pathNot: '^src/(cli|local)/|^src/cli[.]ts$|^scripts/|^tests/' },
      { path: '^src/local/' },
    ),
    forbid(
      'product-not-to-scripts-or-tests',
      'Nothing that ships imports a script or a test helper.',
      { path: '^(src|shared-layer|client)/' },
      { path: '^(scripts|tests)/' },
    ),
    forbid(
      'no-circular',
      'A cycle makes two modules one: cut it.',
      { path: '^(src|shared-layer)/' },
      {
        circular: true,
      },
    ),
    forbid(
      'not-to-unresolvable',
      'An import that resolves to nothing fails at run time.',
      {},
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.aws-sam|\\.auto-vid|out|reports)/' },
    // swc parses TypeScript itself and reports type-only imports as dependencies too: a layer must
    // not need another's types either. (TypeScript 7 has no compiler API for the tsc parser.)
    parser: 'swc',
    enhancedResolveOptions: {
      // .d.ts for packages that are only types (aws-lambda lives in node_modules/@types).
      extensions: ['.ts', '.d.ts', '.mjs', '.js', '.cjs', '.json'],
      // The shared layer is the workspace package @auto-vid/shared, found by its exports.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
