/**
 * Jest, with the tests grouped as `npm test` runs them: unit, integration (dynalite + simulator), browser (Chromium)
 * and infra (CDK). ESM TypeScript through ts-jest in transpile-only mode: `npm run typecheck` does the type checking
 * once for the whole tree, so each test file is only transpiled here.
 */
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      useESM: true,
      tsconfig: {
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2023',
        isolatedModules: true,
        verbatimModuleSyntax: false,
        esModuleInterop: true,
        resolveJsonModule: true,
      },
    },
  ],
};

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  transform,
  rootDir: '.',
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.browser\\.test\\.ts$', '/test/infra/cdk/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest/integration-timeout.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/**/*.browser.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest/browser-timeout.ts'],
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/cdk/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest/infra-timeout.ts'],
    },
  ],
  coverageDirectory: 'coverage',
  collectCoverageFrom: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts', '!functions/api/dashboard/**'],
  coverageProvider: 'v8',
};
