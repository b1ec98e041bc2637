import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/**
 * A file (an invoice PDF) as API Gateway's HTTP API returns bytes: base64 with `isBase64Encoded`, which it decodes
 * (payload format 2.0; no binary media types to set, unlike a REST API). `fileName` must be plain: it is not quoted.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html (the 2.0 response)
 */
export function document(bytes: Uint8Array, contentType: string, fileName: string): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${fileName}"`, ...SECURITY_HEADERS },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}
