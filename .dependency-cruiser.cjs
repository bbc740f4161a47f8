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
