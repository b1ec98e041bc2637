import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', 'test-output/', 'functions/api/dashboard/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The domain is pure: no AWS SDK, no process.env.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'undici', 'node:fs*', 'node:http*'] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Domain code takes its settings as arguments.' }],
    },
  },
  {
    files: [
      'infra/local/main.ts',
      'infra/local/login.ts',
      'infra/local/keys.ts',
      'infra/local/api-token.ts',
      'infra/local/register-domain.ts',
      'infra/local/rederive.ts',
      'infra/local/doctor.ts',
      'infra/bench/month.ts',
      'infra/bench/lambda-footprint.ts',
      'infra/bench/logbook.ts',
      'infra/bench/month-car-report.ts',
      'infra/bench/month-aws-report.ts',
      'infra/bench/month-telemetry.ts',
      'infra/bench/teslafi-derive.ts',
      'infra/local/import.ts',
      'infra/app.ts',
      'infra/build-dashboard.ts',
      'test/**/*.browser.test.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
