// CSV export of the admin lists and figures (`?format=csv` or `Accept: text/csv`): UTF-8 with a byte-order mark
// so that Excel reads the Chinese headers, CRLF lines (RFC 4180), every text cell quoted. A text cell that starts
// like a formula (= + - @, or a tab / carriage return) gets a leading ' so a spreadsheet shows it as text.
import type { Context } from 'koa';
import { HttpError } from '../http/errors.js';

/** One column: its Chinese header and how a row fills it. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
}

/** True when the request asks for CSV; `format` other than csv or json is a 400. */
export function wantsCsv(ctx: Context): boolean {
  const format = ctx.query.format;
  if (format === 'csv') return true;
  if (format === 'json') return false;
  if (format !== undefined) throw new HttpError(400, 'invalid_query', 'format 只能是 csv 或 json');
  return /\btext\/csv\b/i.test(ctx.get('accept'));
}

/** One cell as CSV text. */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

/** The whole document: BOM, header line, one line per row. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvCell(c.header)), ...rows.map((row) => columns.map((c) => csvCell(c.value(row))))];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

/** Answers with a CSV attachment named `filename` (UTF-8 name, RFC 5987). */
export function sendCsv<T>(ctx: Context, filename: string, columns: readonly CsvColumn<T>[], rows: readonly T[]): void {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="export.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  ctx.body = toCsv(columns, rows);
}

/** A rate 0–1 as a percentage cell (`87.5%`). */
export function percentCell(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
