import { jest } from '@jest/globals';

// browser tests start real servers, browsers or CDK synths: each may take up to this long.
jest.setTimeout(120_000);
