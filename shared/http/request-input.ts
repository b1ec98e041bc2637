import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { isVin } from '../domain/vehicle';
import { badRequest } from './api-error';

export const MAX_BODY_BYTES = 8 * 1024;

const RECORD_ID = /^\d{1,15}$/;

/** A drive's or session's id from the path (the start time in ms, as the lists give it). */
export function requireRecordId(value: string | undefined, kind: 'drive' | 'charge'): string {
  if (value === undefined || !RECORD_ID.test(value)) {
    throw badRequest(
      `invalid_${kind}_id`,
      `a ${kind === 'drive' ? 'drive' : 'session'} id is the number the ${kind === 'drive' ? 'drives' : 'charges'} list gives`,
    );
  }
  return value;
}

export function requireVin(value: string | undefined): string {
  if (value === undefined || !isVin(value)) {
    throw badRequest('invalid_vin', 'the VIN must be 17 characters: digits and capital letters except I, O and Q');
  }
  return value;
}

/** The request body as a JSON object; an absent or empty body is `{}`. */
export function jsonObjectBody(event: APIGatewayProxyEventV2): Record<string, unknown> {
  if (event.body === undefined || event.body === null || event.body === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw badRequest('body_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('invalid_body', 'the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Parses with a zod schema; the 400 names each offending field and what was wrong with it. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, code: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw badRequest(code, problems);
}
