import { COMMAND_NAMES, commandSchema } from '../domain/commands/catalogue';
import { AUTOMATION_ID, editErrors, ERROR, errors, ok, queryParameters, RECORD_ID, schemaOf, VIN } from './openapi-parts';
import { auditQuery } from './routes/command-routes';
import { notificationConfigSchema } from './routes/notification-routes';
import { automationInputSchema, automationPatchSchema } from '../domain/automations/automation-input';
import { chargeCostSchema, historyQuerySchema, monthsQuerySchema } from './routes/history-routes';
import { driveEditSchema, logbookQuerySchema } from './routes/logbook-routes';
import { odometerQuerySchema, snapshotsQuerySchema } from './routes/odometer-routes';
import { usageQuery } from './routes/usage-routes';
import { placeSchema } from './routes/place-schema';

/** Operations by path and method. */
export type Paths = Record<string, Record<string, Record<string, unknown>>>;

/** The paths that are not about one car: health, the document, the public key, automations, notifications. */
export function accountPaths(): Paths {
  return { ...systemPaths(), ...automationPaths(), ...notificationPaths(), ...placePaths(), ...streamingPaths() };
}

/** Streaming with Fleet Telemetry (owner token only; each call makes billed Tesla requests, two per car). */
function streamingPaths(): Paths {
  const failures = {
    '401': ERROR,
    '403': ERROR,
    '404': { ...ERROR, description: 'streaming_off: the stack has no receiver' },
    '409': ERROR,
    '502': ERROR,
    '503': { ...ERROR, description: 'receiver_settings_unavailable: the receiver’s settings in SSM could not be reached; no car was changed' },
    '504': ERROR,
  };
  return {
    '/streaming': {
      get: {
        operationId: 'streamingStatus',
        summary: 'How each car streams to the receiver, and what to do about each problem',
        responses: { '200': ok('Per-car streaming health'), ...failures },
      },
      put: {
        operationId: 'configureStreaming',
        summary: 'Configure every car to stream the default signal set to the deployed receiver (signed with the app’s key), and read each back',
        responses: { '200': ok('Per-car streaming health after configuring'), ...failures },
      },
      delete: {
        operationId: 'stopStreaming',
        summary: 'Stop every car streaming to this app',
        responses: { '200': ok('Per car, whether a configuration was removed'), ...failures },
      },
    },
  };
}

/** What needs no car: health, this document, the public key, who the token is, the cars. */
function systemPaths(): Paths {
  return {
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
    '/me': { get: { operationId: 'whoAmI', responses: { '200': ok('Which token this is: role owner or read, and its name'), '401': ERROR } } },
    '/vehicles': { get: { operationId: 'listVehicles', responses: { '200': ok('Cars the collector has seen'), '401': ERROR } } },
  };
}

/** Scheduled commands. */
function automationPaths(): Paths {
  return {
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
  };
}

/** Named places and their tariffs. */
function placePaths(): Paths {
  return {
    '/places': { get: { operationId: 'listPlaces', summary: 'Named places, with their tariffs', responses: { '200': ok('Places'), '401': ERROR } } },
    '/map-settings': {
      get: {
        operationId: 'mapSettings',
        summary: 'The map tile URL template the dashboard draws drives over (MAP_TILE_URL; null: no tiles, no third-party host)',
        responses: { '200': ok('Map settings'), '401': ERROR },
      },
    },
    '/places/{id}': {
      get: { operationId: 'place', summary: 'One place', parameters: [PLACE_ID_PARAMETER], responses: { '200': ok('The place'), ...errors } },
      put: {
        operationId: 'putPlace',
        summary: 'Name a place (a centre and a radius) and, if you like, what charging there costs: per kWh, per minute, a session fee, time-of-use periods',
        parameters: [PLACE_ID_PARAMETER],
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(placeSchema) } } },
        responses: { '200': ok('The place'), ...editErrors },
      },
      delete: { operationId: 'deletePlace', summary: 'Forget a place', parameters: [PLACE_ID_PARAMETER], responses: { '200': ok('Deleted'), ...editErrors } },
    },
  };
}

const PLACE_ID_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } };

/** Where notifications go, a test, and what was delivered. */
function notificationPaths(): Paths {
  return {
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
  };
}

/** One car's paths: its state, history, logbook, usage and command log. */
export function vehiclePaths(): Paths {
  return { ...readingPaths(), ...drivePaths(), ...chargeAndMonthPaths(), ...insightAndInvoicePaths(), ...usageAndAuditPaths() };
}

/** A car's latest state, odometer and snapshots. */
function readingPaths(): Paths {
  return {
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
  };
}

/** Drives and the trip logbook. */
function drivePaths(): Paths {
  return {
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
  };
}

/** What the drives and readings tell of the car (battery health, efficiency, tyres), and Tesla's invoices. */
function insightAndInvoicePaths(): Paths {
  return {
    '/vehicles/{vin}/battery-health': {
      get: {
        operationId: 'batteryHealth',
        summary:
          'Battery health per month: the full rated range (median and middle half) from drive ends, the capacity estimate, the loss since the first month, and the method',
        parameters: [VIN, ...queryParameters(monthsQuerySchema)],
        responses: { '200': ok('Months'), ...errors },
      },
    },
    '/vehicles/{vin}/efficiency': {
      get: {
        operationId: 'efficiency',
        summary: 'Efficiency (Wh/mi, energy over distance) binned by the drives’ outside temperature and average speed',
        parameters: [VIN, ...queryParameters(monthsQuerySchema)],
        responses: { '200': ok('Bins'), ...errors },
      },
    },
    '/vehicles/{vin}/tyres': {
      get: {
        operationId: 'tyres',
        summary: 'Tyre pressures per wheel (bar) at each stored reading, with the recommended pressures and the car’s own warnings',
        parameters: [VIN, ...queryParameters(snapshotsQuerySchema)],
        responses: { '200': ok('Readings', true), ...errors },
      },
    },
    '/vehicles/{vin}/charges/{id}/invoices/{invoiceId}': {
      get: {
        operationId: 'chargingInvoice',
        summary: "Tesla's invoice PDF for a Supercharger session, fetched from Tesla (a counted request, priced like the charging history)",
        parameters: [VIN, RECORD_ID, { name: 'invoiceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' } }],
        responses: {
          '200': { description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          ...errors,
          '403': ERROR,
          '429': ERROR,
          '502': ERROR,
          '504': ERROR,
        },
      },
    },
  };
}

/** Charging sessions, idle periods, months and software versions. */
function chargeAndMonthPaths(): Paths {
  return {
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
  };
}

/** The Fleet requests a car cost, and its command log. */
function usageAndAuditPaths(): Paths {
  return {
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
  };
}

/** A path per allowed command, its body from the command's own schema. */
export function commandPaths(allowedCommands: ReadonlySet<string>): Paths {
  return Object.fromEntries(
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
}
