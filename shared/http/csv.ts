import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from './responses';

/** True when the caller asked for CSV (`Accept: text/csv`). */
export function wantsCsv(event: APIGatewayProxyEventV2): boolean {
  return /\btext\/csv\b/i.test(event.headers.accept ?? '');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  // A spreadsheet would run a cell starting with = + - @ as a formula; numbers are left alone.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row; `footer` lines (each one cell) close the file. */
export function csv<T extends object>(columns: ReadonlyArray<keyof T & string>, rows: readonly T[], headers: Record<string, string> = {}, footer: readonly string[] = []): HttpResult {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(',')), ...footer.map((line) => cell(line))];
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers },
    body: `${lines.join('\r\n')}\r\n`,
  };
}
