import { z } from 'zod';
import { COMMAND_SCHEMAS, type CommandName } from '../domain/commands';
import { auditQuery } from './routes/command-routes';
import { chargeCostSchema, historyQuerySchema, monthsQuerySchema } from './routes/history-routes';
import { driveEditSchema, logbookQuerySchema } from './routes/logbook-routes';
import { odometerQuerySchema, snapshotsQuerySchema } from './routes/odometer-routes';
import { usageQuery } from './routes/usage-routes';

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from the same zod schema that validates them. */
function queryParameters(schema: z.ZodType): unknown[] {
  const json = schemaOf(schema);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

const VIN = { name: 'vin', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-HJ-NPR-Z0-9]{17}$' } };
const ERROR = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const ok = (description: string, csv = false) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } }, ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
});
const errors = { '400': ERROR, '401': ERROR, '404': ERROR };

/**
 * The API's OpenAPI 3.1 document. Query parameters and command bodies come from the zod schemas the handlers
 * validate with, so the document cannot drift from what is enforced. Only the deployment's allowed commands appear.
 */
export function openApiDocument(allowedCommands: ReadonlySet<string>): Record<string, unknown> {
  const commandPaths = Object.fromEntries(
    (Object.keys(COMMAND_SCHEMAS) as CommandName[])
      .filter((name) => allowedCommands.has(name))
      .map((name) => [
        `/vehicles/{vin}/commands/${name}`,
        {
          post: {
            operationId: `command_${name}`,
            summary: `Send ${name} (wakes the car first if needed)`,
            parameters: [VIN, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' } }],
            requestBody: { required: false, content: { 'application/json': { schema: schemaOf(COMMAND_SCHEMAS[name]) } } },
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
  return {
    openapi: '3.1.0',
    info: { title: 'Tesla Fleet logger API', version: '1' },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
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
      '/openapi.json': { get: { operationId: 'openapi', responses: { '200': ok('This document'), '401': ERROR } } },
      '/.well-known/appspecific/com.tesla.3p.public-key.pem': {
        get: {
          operationId: 'commandPublicKey',
          security: [],
          summary: 'The public key Tesla pairs with the cars, for signed commands',
          responses: { '200': { description: 'SPKI PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } }, '404': ERROR },
        },
      },
      '/vehicles': { get: { operationId: 'listVehicles', responses: { '200': ok('Cars the collector has seen'), '401': ERROR } } },
      '/vehicles/{vin}/state': { get: { operationId: 'vehicleState', parameters: [VIN], responses: { '200': ok('Latest snapshot'), ...errors } } },
      '/vehicles/{vin}/odometer': {
        get: { operationId: 'odometer', parameters: [VIN, ...queryParameters(odometerQuerySchema)], responses: { '200': ok('Odometer history', true), ...errors } },
      },
      '/vehicles/{vin}/snapshots': {
        get: { operationId: 'snapshots', parameters: [VIN, ...queryParameters(snapshotsQuerySchema)], responses: { '200': ok('Stored snapshots', true), ...errors } },
      },
      '/vehicles/{vin}/drives': {
        get: { operationId: 'drives', summary: 'Drives derived from the readings, oldest first', parameters: [VIN, ...queryParameters(historyQuerySchema)], responses: { '200': ok('Drives', true), ...errors } },
      },
      '/vehicles/{vin}/drives/{id}': {
        get: {
          operationId: 'drive',
          summary: 'One drive with the readings that bound it',
          parameters: [VIN, { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } }],
          responses: { '200': ok('The drive'), ...errors },
        },
        patch: {
          operationId: 'annotateDrive',
          summary: 'Set a drive’s purpose and note (a new logbook entry; earlier ones stay, odometer figures never change)',
          parameters: [VIN, { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } }],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(driveEditSchema) } } },
          responses: { '200': ok('The annotation and its logbook entry'), ...errors },
        },
      },
      '/vehicles/{vin}/logbook': {
        get: { operationId: 'logbook', summary: 'The year’s trip logbook in your time zone, each entry hash-chained (CSV for a tax office)', parameters: [VIN, ...queryParameters(logbookQuerySchema)], responses: { '200': ok('Logbook', true), ...errors } },
      },
      '/vehicles/{vin}/logbook/verify': {
        get: { operationId: 'logbookVerify', summary: 'Whether the logbook’s hash chain is intact and matches the recorded drives', parameters: [VIN], responses: { '200': ok('Chain check'), ...errors } },
      },
      '/vehicles/{vin}/charges/{id}': {
        patch: {
          operationId: 'setChargeCost',
          summary: 'Set what a charging session cost (null: back to the configured price per kWh)',
          parameters: [VIN, { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } }],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(chargeCostSchema) } } },
          responses: { '200': ok('The session with its cost'), ...errors },
        },
      },
      '/vehicles/{vin}/charges': {
        get: { operationId: 'charges', summary: 'Charging sessions, oldest first', parameters: [VIN, ...queryParameters(historyQuerySchema)], responses: { '200': ok('Charging sessions', true), ...errors } },
      },
      '/vehicles/{vin}/idles': {
        get: { operationId: 'idles', summary: 'Idle periods between drives and sessions: battery and range lost, drain per day', parameters: [VIN, ...queryParameters(historyQuerySchema)], responses: { '200': ok('Idle periods', true), ...errors } },
      },
      '/vehicles/{vin}/months': {
        get: { operationId: 'months', summary: 'Monthly totals: distance, drives, kWh charged and used, efficiency', parameters: [VIN, ...queryParameters(monthsQuerySchema)], responses: { '200': ok('Months', true), ...errors } },
      },
      '/vehicles/{vin}/updates': { get: { operationId: 'updates', summary: 'Software versions and when each was first seen', parameters: [VIN], responses: { '200': ok('Versions'), ...errors } } },
      '/vehicles/{vin}/usage': { get: { operationId: 'usage', parameters: [VIN, ...queryParameters(usageQuery)], responses: { '200': ok('Month of Fleet usage'), ...errors } } },
      '/vehicles/{vin}/commands': { get: { operationId: 'commandAudit', parameters: [VIN, ...queryParameters(auditQuery)], responses: { '200': ok('Command audit log, newest first'), ...errors } } },
      ...commandPaths,
    },
  };
}
