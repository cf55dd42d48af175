// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'node_modules/', 'test/fixtures/**/node_modules/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
      },
    },
    // As for TypeScript: a leading underscore marks a parameter kept for its position (Express tells error
    // middleware by its four parameters).
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    // The wrappers around Node's and the frameworks' methods run on every request (emit on every event):
    // V8 hands `arguments` straight to Reflect.apply, where a rest parameter would allocate an array per call.
    files: ['src/servers/**/*.ts', 'src/frameworks/**/*.ts'],
    rules: { 'prefer-rest-params': 'off' },
  },
  {
    // Async on purpose: Signal tells async receivers apart by their AsyncFunction tag (Django's
    // iscoroutinefunction), so these tests connect async receivers that have nothing to await.
    files: ['test/signal*.test.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Async on purpose: Fastify (routes, hooks, plugins), Koa and Express take what an async handler
    // returns, or rejects with, on another path than a sync handler's, and these tests serve async ones.
    files: ['test/fastify.test.ts', 'test/http2-frameworks.test.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  }
);
