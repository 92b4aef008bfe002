import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Every query runs on the executor its caller passes (see "One repository style").
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name=/Model$/][callee.property.name='query'][arguments.length=0]",
          message: 'Pass the executor: Model.query(db) (there is no global objection binding).',
        },
        {
          selector: "MemberExpression[property.name='knex'][object.name=/Model$/]",
          message: 'No global objection binding: repositories take db: Queryable first.',
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      // A focused or skipped test left in the tree quietly shrinks the suite. mocha's forbidOnly
      // catches `.only` only when it runs; nothing at run time catches `.skip`. A conditional
      // `this.skip()` inside a test (a tool not installed yet) is a different thing and allowed.
      'no-restricted-properties': [
        'error',
        ...['describe', 'context', 'suite', 'it', 'specify', 'test'].flatMap((object) =>
          ['only', 'skip'].map((property) => ({
            object,
            property,
            message: `Commit no ${object}.${property}: run one file with mocha instead, or delete the test.`,
          })),
        ),
      ],
      'no-restricted-globals': [
        'error',
        ...['xdescribe', 'xcontext', 'xit', 'xspecify'].map((name) => ({
          name,
          message: `Commit no ${name}: it skips the test.`,
        })),
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      // Workflow code runs in Temporal's deterministic sandbox; the domain module is imported by it.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'knex', 'pg', 'objection'] },
            { group: ['../worker/**', '../db/**', '../activities/**'], allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }],
    },
  },
  {
    files: [
      'src/deliveries/**/*.ts',
      'src/accounts/**/*.ts',
      'src/worker/**/*.ts',
      'src/activities/**/*.ts',
      'src/notifications/**/*.ts',
      'src/db/**/*.ts',
    ],
    rules: {
      // Business logic and the worker's code know nothing of HTTP: the API depends on them.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/api', '**/api/*', '**/api/**'] }] },
      ],
    },
  },
);
