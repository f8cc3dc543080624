import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ExportTable } from './exportTables.ts';

/** A file format of the insurer exports. */
export type ExportFormat = 'csv' | 'parquet';

/** The formats, for argument checks. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'parquet'];

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // RFC 4180: quote fields holding a comma, quote or line break; double inner quotes.
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A table as RFC 4180 CSV (header row, CRLF line ends, null as an empty field). */
export function tableToCsv(table: ExportTable): Uint8Array {
  const lines = [table.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of table.rows) lines.push(row.map(csvField).join(','));
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/**
 * A table as Parquet (hyparquet-writer: pure JavaScript, so it runs unchanged on Node 20 and in
 * Lambda's Node 22 without native modules), column types from the export schema, SNAPPY pages.
 */
export function tableToParquet(table: ExportTable, kvMetadata: Record<string, string> = {}): Uint8Array {
  const columnData = table.columns.map((c, i) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    data: table.rows.map((r) => {
      const v = r[i] ?? null;
      if (v === null) return null;
      return c.type === 'INT64' ? BigInt(Math.round(Number(v))) : c.type === 'DOUBLE' ? Number(v) : String(v);
    }),
  }));
  const buf = parquetWriteBuffer({
    columnData,
    kvMetadata: Object.entries(kvMetadata).map(([key, value]) => ({ key, value })),
    createdBy: 'dashnet insurer export',
  });
  return new Uint8Array(buf);
}

/** Encodes a table in a format. */
export function encodeTable(
  table: ExportTable,
  format: ExportFormat,
  kv: Record<string, string> = {},
): Uint8Array {
  return format === 'csv' ? tableToCsv(table) : tableToParquet(table, kv);
}
