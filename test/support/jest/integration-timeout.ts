import { jest } from '@jest/globals';

// integration tests start real servers, browsers or CDK synths: each may take up to this long.
jest.setTimeout(60_000);
