import { accountPaths, commandPaths, vehiclePaths } from './openapi-paths';

/**
 * The API's OpenAPI 3.1 document. Query parameters and command bodies come from the zod schemas the handlers
 * validate with, so the document cannot drift from what is enforced. Only the deployment's allowed commands appear.
 */
export function openApiDocument(allowedCommands: ReadonlySet<string>): Record<string, unknown> {
  return withSummariesAndTags({
    openapi: '3.1.0',
    info: {
      title: 'Tesla Fleet logger API',
      version: '1',
      description:
        'Commands to your Tesla, and its odometer, drives, charging and logbook, from your own deployment. Every operation but the public ones needs an API token as a bearer token: the owner’s token for everything, or a read-only token for GET operations (anything else answers 403 forbidden_for_token).',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-UNLICENSED' },
    },
    servers: [{ url: '/', description: 'this deployment (locally http://localhost:3000, in AWS the ApiUrl output)' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The owner’s API token, or a read-only token (GET only) made with npm run api-token -- --read-only --name NAME',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
    paths: {
      ...accountPaths(),
      ...vehiclePaths(),
      ...commandPaths(allowedCommands),
    },
  });
}

/** What each operation does, for those whose summary is not written beside them. */
const SUMMARIES: Record<string, string> = {
  whoAmI: 'Which token this is (owner or read-only), so a client shows only what it may use',
  health: 'Liveness (no token needed)',
  openapi: 'This document (no token needed)',
  listVehicles: 'The cars the collector has seen, with what needs you',
  vehicleState: 'A car’s latest snapshot, how its commands are sent, and what needs you',
  odometer: 'Odometer history: raw readings or one row per day',
  snapshots: 'The stored snapshots, oldest first',
  usage: 'The month’s billable Tesla requests, estimated cost and budget share',
  commandAudit: 'The command audit log, newest first',
};

/** Groups operations by what they are about, in the order a reader looks for them. */
function tagOf(path: string): string {
  if (path.startsWith('/automations')) return 'automations';
  if (path.startsWith('/notifications')) return 'notifications';
  if (path.includes('/commands')) return 'commands';
  if (/\/(logbook|drives\/\{id\})/.test(path)) return path.includes('/drives/') ? 'history' : 'logbook';
  if (/\/(drives|charges|idles|months|updates)/.test(path)) return 'history';
  if (/\/(odometer|snapshots)/.test(path)) return 'odometer';
  if (path.includes('/usage')) return 'usage';
  if (path.startsWith('/vehicles')) return 'vehicles';
  return 'system';
}

const TAGS = [
  { name: 'vehicles', description: 'Cars and their latest state' },
  { name: 'odometer', description: 'Odometer readings and daily history' },
  { name: 'history', description: 'Drives, charging sessions, idle periods, months, software versions' },
  { name: 'logbook', description: 'The tamper-evident trip logbook' },
  { name: 'commands', description: 'Commands to the car, and their audit log' },
  { name: 'automations', description: 'Scheduled commands (EventBridge Scheduler in AWS)' },
  { name: 'notifications', description: 'What the owner is told, and where: signed webhook, ntfy, e-mail' },
  { name: 'usage', description: 'Tesla API usage and budget' },
  { name: 'system', description: 'Health, this document, the public key for signed commands' },
];

/** Every operation gets a summary and a tag, so the document reads (and lints) well. */
function withSummariesAndTags(doc: { paths: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown>): Record<string, unknown> {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const operation of Object.values(item)) {
      operation.summary ??= SUMMARIES[String(operation.operationId)] ?? String(operation.operationId);
      operation.tags = [tagOf(path)];
    }
  }
  return { ...doc, tags: TAGS };
}
