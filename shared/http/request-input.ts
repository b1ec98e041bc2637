import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { isVin } from '../domain/vehicle';
import { badRequest } from './api-error';

export const MAX_BODY_BYTES = 8 * 1024;

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
