// Lint rules for the whole repository: typescript-eslint's type-checked recommendations plus the promise, switch and import rules we rely on.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'out/', '.tools/', '**/node_modules/', 'test-artifacts/', '.vscode-test/', '*.vsix'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // An import of types only is `import type { … }`, which leaves nothing behind in the bundle.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // A leading underscore marks what is left out on purpose: an omitted property in a rest destructuring, an unused parameter of an interface.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An aborted wait rejects with the signal's reason as is (typed any), the way signal.throwIfAborted() throws it.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // `import sharp = require('sharp')` is how TypeScript imports a CommonJS module whose export is a function; it is typed, unlike a bare require().
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    // The panel's page runs in the webview, a browser.
    files: ['src/webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // UI tests drive a browser: functions passed to page.evaluate run there.
    files: ['test/ui/**/*.ts', 'test/vscode/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Tests read JSON (emulator requests, the manifest, sidecars, summaries) as `any` and their asserts are the check;
    // fakes implement async ports with synchronous bodies and stay `async` so that they fail the way the real ones do.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Build and setup scripts are plain JavaScript outside the TypeScript project.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
