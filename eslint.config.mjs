// Lint: typescript-eslint with type information for the rules that catch real bugs
// (floating promises), plus the layering rule: only src/extension may import `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      'test-results/**',
      'coverage/**',
      'out/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
      // Rules are data, never code (ARCHITECTURE.md): nothing from a pack or a model is executed.
      'no-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'Only src/extension may import vscode (the core must run in the CLI, tests and workers).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/vscode/**/*.ts', 'test/web/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Layering (ARCHITECTURE.md): src/core is pure TypeScript that the CLI, the extension host, a
    // worker, the webview and the tests all run, so it does no I/O and never reaches up a layer.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
          patterns: [
            {
              group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads'],
              message:
                'src/core does no I/O and must run in a browser worker: callers read files and pass text.',
            },
            {
              group: [
                '**/cli',
                '**/cli/**',
                '**/extension',
                '**/extension/**',
                '**/webview',
                '**/webview/**',
              ],
              message:
                'Data flows one way: src/core never imports the CLI, the extension or the webview.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
          patterns: [
            {
              group: ['**/extension', '**/extension/**', '**/webview', '**/webview/**'],
              message: 'The CLI uses src/core only; it never imports the extension or the webview.',
            },
          ],
        },
      ],
    },
  },
);
