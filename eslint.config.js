// Lint rules for the whole repository: typescript-eslint's recommended set plus the house rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// House limits: refused by `npm test` like any other lint error.
const SIZE = 'error';
const SQL = 'SQL belongs in a *.repository.ts file (or src/platform/db)';
const SQL_OUTSIDE_REPOSITORIES = [
  { selector: "TaggedTemplateExpression[tag.name='sql']", message: SQL },
  { selector: "MemberExpression[object.name='sql']", message: SQL },
  {
    selector:
      'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)$/]',
    message: SQL,
  },
  {
    selector:
      "CallExpression[callee.property.name='query'][arguments.0.type=/Literal|TemplateLiteral/]",
    message: SQL,
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.lastmile/**',
      'bench/results/**',
      'sim/results/**',
      'dist/**',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['bench/**', 'sim/**', 'test/**', '**/*.test.ts', '**/*.contract.ts'],
    rules: { 'no-console': 'off' },
  },
  // House sizes: a file of ~300 lines and a function of ~80 are split by responsibility.
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      'max-lines': [SIZE, { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': [SIZE, { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.contract.ts'],
    rules: {
      'max-lines': [SIZE, { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': 'off',
    },
  },
  // Only repositories (and the platform's database layer) touch tables.
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/**/*.repository.ts',
      'src/platform/db/**',
      'src/**/*.test.ts',
      'src/**/*.contract.ts',
    ],
    rules: { 'no-restricted-syntax': [SIZE, ...SQL_OUTSIDE_REPOSITORIES] },
  },
);
