// ESLint with type information (typescript-eslint): the mistakes the compiler lets through.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      // Nest types handlers and classes as `Function` (ExecutionContext.getHandler(), metadata
      // targets); keys of per-handler caches follow it.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@nestjs/[^/]+/(?!testing$).+', message: "Import a library's public entry point, not its internal files." },
            { regex: '^class-transformer/.+', message: "Import a library's public entry point, not its internal files." },
            { regex: '^class-validator/.+', message: "Import a library's public entry point, not its internal files." },
          ],
        },
      ],
    },
  },
  {
    // Unit specs: jest's asymmetric matchers are typed `any`.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // The one adapter onto Nest's route metadata keys: no public API lists routes (@nestjs/swagger
    // reads the same constants). Everything else goes through it.
    files: ['src/platform/routes/nest-route-metadata.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
