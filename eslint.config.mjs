// ESLint 9 flat config for the whole tree: typescript-eslint's recommended rules (syntax only,
// not type-aware, so `pnpm lint` stays quick) on TypeScript, ESLint's on the plain scripts.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/test-results/**', '**/playwright-report/**', 'bench/results/**', '.turbo/**', '**/.turbo/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter a signature needs but the body does not (e.g. JSON replacers).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Code that runs in a page: the web app, and the bench's page scripts and page.evaluate callbacks.
    files: ['apps/web/src/**', 'packages/sdk/e2e/**', 'apps/web/e2e/**', 'bench/page/**', 'bench/sections/first-frame.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter's destructuring pattern,
    // so a fixture that needs none must write `{}`.
    files: ['**/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
)
