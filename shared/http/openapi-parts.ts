import * as z from 'zod';

/** The pieces every operation of the OpenAPI document is built from. */

export type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

/** A schema, or the function that builds it on first use (`lazily`). */
export type SchemaSource = z.ZodType | (() => z.ZodType);

export function schemaOf(source: SchemaSource): JsonSchema {
  const schema = typeof source === 'function' ? source() : source;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from the same zod schema that validates them. */
export function queryParameters(schema: SchemaSource): unknown[] {
  const json = schemaOf(schema);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

export const VIN = { name: 'vin', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-HJ-NPR-Z0-9]{17}$' } };
/** A drive's or session's id: its start time in ms, as the lists give it. */
export const AUTOMATION_ID = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-z-]{1,40}$' } };
export const RECORD_ID = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,15}$' } };
export const ERROR = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
export const ok = (description: string, csv = false) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } }, ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
});
export const errors = { '400': ERROR, '401': ERROR, '404': ERROR };
/** Changes need the owner's token: a read-only token gets 403 forbidden_for_token. */
export const editErrors = { ...errors, '403': ERROR };
