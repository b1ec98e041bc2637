import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from './responses';

/** True when the caller asked for CSV (`Accept: text/csv`). */
export function wantsCsv(event: APIGatewayProxyEventV2): boolean {
  return /\btext\/csv\b/i.test(event.headers.accept ?? '');
}

/** Numbers, or numbers separated by commas (a "lat,lon" place): nothing a spreadsheet could run. */
const NUMERIC = /^-?\d+(\.\d+)?(,-?\d+(\.\d+)?)*$/;
/** What a spreadsheet skips before reading a formula: white space, control and invisible (zero-width, BOM) characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is skipped
const INSIGNIFICANT = /^[\s\u0000-\u001f\u007f-\u009f\u00a0\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]*/u;

/**
 * A text cell a spreadsheet would take for a formula is made plain text with a leading apostrophe (OWASP's CSV
 * injection advice): one whose first significant character is = + - or @, or that starts with a tab, CR or LF.
 * Numbers, and lists of numbers, are left as they are.
 */
export function neutralised(text: string): string {
  if (NUMERIC.test(text)) return text;
  const significant = text.replace(INSIGNIFICANT, '');
  return /^[=+\-@]/.test(significant) || /^[\t\r\n]/.test(text) ? `'${text}` : text;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? neutralised(value) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row; `footer` lines (each one cell) close the file. */
export function csv<T extends object>(
  columns: ReadonlyArray<keyof T & string>,
  rows: readonly T[],
  headers: Record<string, string> = {},
  footer: readonly string[] = [],
): HttpResult {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(',')), ...footer.map((line) => cell(line))];
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers },
    body: `${lines.join('\r\n')}\r\n`,
  };
}
