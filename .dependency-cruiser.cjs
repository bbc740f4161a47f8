/** Module boundaries (ARCHITECTURE.md): checked by `npm run check`, so CI fails on a violation. */
module.exports = {
  forbidden: [
    {
      name: 'module-through-index-only',
      comment:
        'A module uses another module only through its index.ts (its public surface), never its files or tables.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/([^/]+)/.+',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'platform-knows-no-module',
      comment: 'The platform holds no business logic and never imports a module.',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'client-knows-no-server',
      comment:
        'The client SDK runs in browsers and other programs: it imports none of the server (its generator and tests may).',
      severity: 'error',
      from: {
        path: '^src/client/',
        pathNot: '^src/client/(generate|openapi-document)\\.ts$|\\.test\\.ts$',
      },
      to: { path: '^src/(modules|platform|cli)/' },
    },
    {
      name: 'web-apps-use-only-the-sdk',
      comment:
        'The web apps reach the API only through the SDK (src/client); they import nothing else of the server. (Their path aliases are in tsconfig.json too, for this check.)',
      severity: 'error',
      from: { path: '^web/(apps|shared)/' },
      to: { path: '^(src|test|bench|sim)/', pathNot: '^src/client/' },
    },
    {
      name: 'web-apps-resolve',
      comment: 'Every import of a web app resolves (an unknown alias would escape the rule above).',
      severity: 'error',
      from: { path: '^web/(apps|shared)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-product',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|contract)\\.ts$' },
      to: { path: '^test/|\\.(test|contract)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
