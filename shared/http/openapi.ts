import * as z from 'zod';
import { COMMAND_NAMES, commandSchema } from '../domain/commands/catalogue';
import { auditQuery } from './routes/command-routes';
import { notificationConfigSchema } from './routes/notification-routes';
import { automationInputSchema, automationPatchSchema } from '../domain/automations/automation-input';
import { chargeCostSchema, historyQuerySchema, monthsQuerySchema } from './routes/history-routes';
import { driveEditSchema, logbookQuerySchema } from './routes/logbook-routes';
import { odometerQuerySchema, snapshotsQuerySchema } from './routes/odometer-routes';
import { usageQuery } from './routes/usage-routes';

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

/** A schema, or the function that builds it on first use (`lazily`). */
type SchemaSource = z.ZodType | (() => z.ZodType);

function schemaOf(source: SchemaSource): JsonSchema {
  const schema = typeof source === 'function' ? source() : source;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from the same zod schema that validates them. */
function queryParameters(schema: SchemaSource): unknown[] {
  const json = schemaOf(schema);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

const VIN = { name: 'vin', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-HJ-NPR-Z0-9]{17}$' } };
/** A drive's or session's id: its start time in ms, as the lists give it. */
const AUTOMATION_ID = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-z-]{1,40}$' } };
const RECORD_ID = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } };
const ERROR = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const ok = (description: string, csv = false) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } }, ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
});
const errors = { '400': ERROR, '401': ERROR, '404': ERROR };
/** Changes need the owner's token: a read-only token gets 403 forbidden_for_token. */
const editErrors = { ...errors, '403': ERROR };

/**
 * The API's OpenAPI 3.1 document. Query parameters and command bodies come from the zod schemas the handlers
 * validate with, so the document cannot drift from what is enforced. Only the deployment's allowed commands appear.
 */
export function openApiDocument(allowedCommands: ReadonlySet<string>): Record<string, unknown> {
  const commandPaths = Object.fromEntries(
    COMMAND_NAMES.filter((name) => allowedCommands.has(name)).map((name) => [
      `/vehicles/{vin}/commands/${name}`,
      {
        post: {
          operationId: `command_${name}`,
          summary: `Send ${name} (wakes the car first if needed)`,
          parameters: [VIN, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' } }],
          requestBody: { required: false, content: { 'application/json': { schema: schemaOf(commandSchema(name)) } } },
          responses: {
            '200': ok('Done, or already in that state'),
            ...errors,
            '403': ERROR,
            '409': ERROR,
            '422': ERROR,
            '429': ERROR,
            '501': ERROR,
            '502': ERROR,
            '503': ERROR,
            '504': { ...ERROR, description: 'tesla_unreachable (nothing sent), or command_outcome_unknown: sent, answer lost, may have run' },
          },
        },
      },
    ]),
  );
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
      '/health': { get: { operationId: 'health', security: [], responses: { '200': ok('Alive') } } },
      '/openapi.json': { get: { operationId: 'openapi', security: [], responses: { '200': ok('This document') } } },
      '/.well-known/appspecific/com.tesla.3p.public-key.pem': {
        get: {
          operationId: 'commandPublicKey',
          security: [],
          summary: 'The public key Tesla pairs with the cars, for signed commands',
          responses: { '200': { description: 'SPKI PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } }, '404': ERROR },
        },
      },
      '/automations': {
        get: {
          operationId: 'listAutomations',
          summary: 'Scheduled commands, with their next run and last outcome',
          responses: { '200': ok('Automations'), '401': ERROR },
        },
        post: {
          operationId: 'createAutomation',
          summary: 'Schedule a command: a cron (5 fields) or a one-off local time, in an IANA time zone, with optional conditions',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(automationInputSchema) } } },
          responses: { '201': ok('The automation and its next run'), ...editErrors },
        },
      },
      '/automations/{id}': {
        get: { operationId: 'automation', summary: 'One automation', parameters: [AUTOMATION_ID], responses: { '200': ok('The automation'), ...errors } },
        patch: {
          operationId: 'updateAutomation',
          summary: 'Change an automation (enable, disable, rename, a new schedule, body or conditions)',
          parameters: [AUTOMATION_ID],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(automationPatchSchema) } } },
          responses: { '200': ok('The automation'), ...editErrors },
        },
        delete: {
          operationId: 'deleteAutomation',
          summary: 'Delete an automation and its schedule',
          parameters: [AUTOMATION_ID],
          responses: { '200': ok('Deleted'), ...editErrors },
        },
      },
      '/notifications': {
        get: {
          operationId: 'notifications',
          summary: 'The notification channels (secrets hidden; owner token only) and the latest deliveries',
          responses: { '200': ok('Channels and deliveries'), '401': ERROR, '403': ERROR },
        },
        put: {
          operationId: 'setNotifications',
          summary: 'Set the channels (signed webhook, ntfy topic, e-mail) and which events each gets; a new webhook secret is shown once',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(notificationConfigSchema) } } },
          responses: { '200': ok('The channels'), ...editErrors },
        },
      },
      '/notifications/test': {
        post: {
          operationId: 'testNotifications',
          summary: 'Send a test notification to every channel now, and say how each went',
          responses: { '200': ok('Per-channel result'), ...editErrors },
        },
      },
      '/me': { get: { operationId: 'whoAmI', responses: { '200': ok('Which token this is: role owner or read, and its name'), '401': ERROR } } },
      '/vehicles': { get: { operationId: 'listVehicles', responses: { '200': ok('Cars the collector has seen'), '401': ERROR } } },
      '/vehicles/{vin}/state': { get: { operationId: 'vehicleState', parameters: [VIN], responses: { '200': ok('Latest snapshot'), ...errors } } },
      '/vehicles/{vin}/odometer': {
        get: {
          operationId: 'odometer',
          parameters: [VIN, ...queryParameters(odometerQuerySchema)],
          responses: { '200': ok('Odometer history', true), ...errors },
        },
      },
      '/vehicles/{vin}/snapshots': {
        get: {
          operationId: 'snapshots',
          parameters: [VIN, ...queryParameters(snapshotsQuerySchema)],
          responses: { '200': ok('Stored snapshots', true), ...errors },
        },
      },
      '/vehicles/{vin}/drives': {
        get: {
          operationId: 'drives',
          summary: 'Drives derived from the readings, oldest first',
          parameters: [VIN, ...queryParameters(historyQuerySchema)],
          responses: { '200': ok('Drives', true), ...errors },
        },
      },
      '/vehicles/{vin}/drives/{id}': {
        get: {
          operationId: 'drive',
          summary: 'One drive with the readings that bound it',
          parameters: [VIN, RECORD_ID],
          responses: { '200': ok('The drive'), ...errors },
        },
        patch: {
          operationId: 'annotateDrive',
          summary: 'Set a drive’s purpose and note (a new logbook entry; earlier ones stay, odometer figures never change)',
          parameters: [VIN, RECORD_ID],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(driveEditSchema) } } },
          responses: { '200': ok('The annotation and its logbook entry'), ...editErrors },
        },
      },
      '/vehicles/{vin}/logbook': {
        get: {
          operationId: 'logbook',
          summary: 'The year’s trip logbook in your time zone, each entry hash-chained (CSV for a tax office)',
          parameters: [VIN, ...queryParameters(logbookQuerySchema)],
          responses: { '200': ok('Logbook', true), ...errors },
        },
      },
      '/vehicles/{vin}/logbook/verify': {
        get: {
          operationId: 'logbookVerify',
          summary: 'Whether the logbook’s hash chain is intact and matches the recorded drives',
          parameters: [VIN],
          responses: { '200': ok('Chain check'), ...errors },
        },
      },
      '/vehicles/{vin}/charges/{id}': {
        patch: {
          operationId: 'setChargeCost',
          summary: 'Set what a charging session cost (null: back to the configured price per kWh)',
          parameters: [VIN, RECORD_ID],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(chargeCostSchema) } } },
          responses: { '200': ok('The session with its cost'), ...editErrors },
        },
      },
      '/vehicles/{vin}/charges': {
        get: {
          operationId: 'charges',
          summary: 'Charging sessions, oldest first',
          parameters: [VIN, ...queryParameters(historyQuerySchema)],
          responses: { '200': ok('Charging sessions', true), ...errors },
        },
      },
      '/vehicles/{vin}/idles': {
        get: {
          operationId: 'idles',
          summary: 'Idle periods between drives and sessions: battery and range lost, drain per day, and the share of the time the car was seen asleep',
          parameters: [VIN, ...queryParameters(historyQuerySchema)],
          responses: { '200': ok('Idle periods', true), ...errors },
        },
      },
      '/vehicles/{vin}/months': {
        get: {
          operationId: 'months',
          summary: 'Monthly totals: distance, drives, kWh charged and used, efficiency',
          parameters: [VIN, ...queryParameters(monthsQuerySchema)],
          responses: { '200': ok('Months', true), ...errors },
        },
      },
      '/vehicles/{vin}/updates': {
        get: {
          operationId: 'updates',
          summary: 'Software versions and when each was first seen',
          parameters: [VIN],
          responses: { '200': ok('Versions'), ...errors },
        },
      },
      '/vehicles/{vin}/usage': {
        get: { operationId: 'usage', parameters: [VIN, ...queryParameters(usageQuery)], responses: { '200': ok('Month of Fleet usage'), ...errors } },
      },
      '/vehicles/{vin}/commands': {
        get: {
          operationId: 'commandAudit',
          parameters: [VIN, ...queryParameters(auditQuery)],
          responses: { '200': ok('Command audit log, newest first'), ...errors },
        },
      },
      ...commandPaths,
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
