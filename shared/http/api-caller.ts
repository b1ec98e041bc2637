import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { OWNER_CALLER, type ApiCaller } from '../secrets/read-tokens';

const callers = new WeakMap<APIGatewayProxyEventV2, ApiCaller>();

/** Set once the token is verified, for routes that record who acted (the command audit log). */
export function setCaller(event: APIGatewayProxyEventV2, caller: ApiCaller): void {
  callers.set(event, caller);
}

/** Who sent this request; public routes and handlers called without the middleware count as the owner. */
export function callerOf(event: APIGatewayProxyEventV2): ApiCaller {
  return callers.get(event) ?? OWNER_CALLER;
}

/** What a read-only token may do: look, never act or edit. */
export function readOnlyMayUse(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}
