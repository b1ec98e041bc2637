import { jest } from '@jest/globals';

// infra tests start real servers, browsers or CDK synths: each may take up to this long.
jest.setTimeout(180_000);
