import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiError, notFound } from './api-error';
import type { HttpResult } from './responses';

export interface RouteRequest {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  query: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** e.g. `/vehicles/{vin}/state`; a `{name}` segment matches one non-empty path segment. */
  path: string;
  handle(request: RouteRequest): Promise<HttpResult>;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

/** Method + path dispatch. Unknown paths are 404, known paths with another method 405, both as JSON errors. */
export function createRouter(routes: readonly Route[]): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { ...route, pattern: new RegExp(`^${source}/?$`), names };
  });

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const matching = compiled.filter((route) => route.pattern.test(path));
    if (matching.length === 0) throw notFound(`no route for ${path.slice(0, 200)}`);
    const route = matching.find((r) => r.method === method);
    if (!route) {
      const allowed = [...new Set(matching.map((r) => r.method))].join(', ');
      throw new ApiError(405, 'method_not_allowed', `${method} is not allowed here; use ${allowed}`, { allow: allowed });
    }
    const values = route.pattern.exec(path)!.slice(1);
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = safeDecode(values[i]!);
    });
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[key] = value;
    return route.handle({ event, params, query });
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'invalid_path', 'the path is not valid percent-encoding');
  }
}
