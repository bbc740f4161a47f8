// Lint rules for the whole repository: typescript-eslint's recommended set plus the house rules.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
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

// The web apps' words live in their messages (a language is another messages object), so a
// component says nothing itself: no letters in JSX text, in a string or template shown as a
// child, in an attribute a person reads or hears, or in the page's title.
const LETTERS = '/\\p{L}/u';
const WORDS = 'Words belong in the app’s messages.ts (and messages.de.ts), not in a component';
const READ =
  'JSXAttribute[name.name=/^(aria-label|aria-description|aria-roledescription|aria-placeholder|aria-valuetext|title|placeholder|alt|label|text)$/]';
const CHILD = ':matches(JSXElement, JSXFragment) > JSXExpressionContainer';
const WORDS_IN_COMPONENTS = [
  `JSXText[value=${LETTERS}]`,
  `${CHILD} > Literal[value=${LETTERS}]`,
  `${CHILD} > :matches(ConditionalExpression, LogicalExpression) > Literal[value=${LETTERS}]`,
  `${CHILD} > TemplateLiteral > TemplateElement[value.raw=${LETTERS}]`,
  `${CHILD} > :matches(ConditionalExpression, LogicalExpression) > TemplateLiteral > TemplateElement[value.raw=${LETTERS}]`,
  `${READ} > Literal[value=${LETTERS}]`,
  `${READ} > JSXExpressionContainer > Literal[value=${LETTERS}]`,
  `${READ} > JSXExpressionContainer > TemplateLiteral > TemplateElement[value.raw=${LETTERS}]`,
  "AssignmentExpression[left.object.name='document'][left.property.name='title'] > :matches(Literal, TemplateLiteral).right",
].map((selector) => ({ selector, message: WORDS }));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.lastmile/**',
      'bench/results/**',
      'sim/results/**',
      'dist/**',
      'web/dist/**',
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
    files: [
      'bench/**',
      'sim/**',
      'test/**',
      'src/client/examples/**',
      '**/*.test.ts',
      '**/*.contract.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  // The web apps run in browsers and follow React's rules of hooks.
  {
    files: ['web/apps/**', 'web/shared/**'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        crypto: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-console': 'error',
      'no-restricted-syntax': [SIZE, ...WORDS_IN_COMPONENTS],
    },
  },
  // House sizes: a file of ~300 lines and a function of ~80 are split by responsibility.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
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
