import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResult } from '../../shared/http/responses';
import { readBounded } from '../../shared/http/read-bounded';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/** Larger bodies are refused here, as API Gateway would refuse them, before the handler sees them. */
const MAX_LOCAL_BODY_BYTES = 1024 * 1024;

/**
 * Serves a Lambda handler over plain HTTP the way API Gateway's HTTP API (payload 2.0) would call it, so the
 * local host runs the very handler that is deployed.
 */
export async function serveLambda(handler: HttpLambda, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => void handle(handler, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is in use: stop the program using it, or start with PORT=<another port> (PORT=0 picks a free one)`)
          : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}` };
}

async function handle(handler: HttpLambda, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readLimited(req);
    if (body === null) {
      // The rest of the body is never read, so this connection cannot carry another request: close it cleanly.
      res.shouldKeepAlive = false;
      return send(res, 413, { error: { code: 'body_too_large', message: 'the body is larger than 1 MiB' } }, { connection: 'close' });
    }
    const result = await handler(toEvent(req, body), lambdaContext());
    res.writeHead(result.statusCode ?? 200, stringHeaders(result.headers));
    // As API Gateway does: a body marked base64 is decoded to the bytes it stands for (a PDF).
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  } catch {
    send(res, 500, { error: { code: 'internal_error', message: 'internal server error' } });
  }
}

export function toEvent(req: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  // Joined, not resolved: a request line of `//health` is a path, not a host name (`new URL('//health', base)`).
  const url = new URL(`http://local${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? '/'}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(body !== '' ? { body } : {}),
    isBase64Encoded: false,
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local-api',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readLimited(req: IncomingMessage): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_LOCAL_BODY_BYTES) return null;
  return (await readBounded(req, MAX_LOCAL_BODY_BYTES))?.toString('utf8') ?? null;
}

function stringHeaders(headers: HttpResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
