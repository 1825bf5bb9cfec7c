import type { BlobResult } from '../../client/createImgrecClient/createImgrecClient.js';

/** One file's outcome: the blob when there is one, else the error that stopped the file before or during upload. */
export interface LabelRow {
  file: string;
  blob: BlobResult | undefined;
  error: { code: string; message: string } | undefined;
}

export const rowSucceeded = (row: LabelRow) => row.blob?.status === 'succeeded';

/** The error of a row that did not succeed: its own, the blob's, or the blob's non-final status. */
export const rowError = (row: LabelRow): { code: string; message: string } | undefined => {
  if (rowSucceeded(row)) return undefined;
  return row.error ?? row.blob?.error ?? { code: row.blob?.status ?? 'failed', message: 'not labelled' };
};

const confidence = (value: number) => (Math.round(value * 10) / 10).toString();

const labelsOf = (blob: BlobResult | undefined, withConfidence: boolean, separator: string) =>
  (blob?.label_details ?? [])
    .map((label) => (withConfidence ? `${label.name}${separator}${confidence(label.confidence)}` : label.name))
    .filter((text) => text !== '');

const textOf = (blob: BlobResult | undefined) => (blob?.text ?? []).map((line) => line.text);

/** One JSON line: the file and the blob as the API shows it, or the file and its error. */
export const formatJsonLine = (row: LabelRow): string =>
  JSON.stringify(
    row.blob
      ? { file: row.file, ...row.blob, ...(row.error && { error: { ...row.error } }) }
      : { file: row.file, status: 'failed', error: row.error },
  );

export const CSV_HEADER = 'file,blob_id,status,labels,text,faces,error_code,error_message';

/** RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * One CSV record: labels as `name:confidence` joined by `;`, text lines joined by ` / `, and the number of faces
 * (empty when faces were not requested).
 */
export const formatCsvLine = (row: LabelRow): string => {
  const error = rowError(row);
  return [
    row.file,
    row.blob?.blob_id ?? '',
    row.blob?.status ?? 'failed',
    labelsOf(row.blob, true, ':').join(';'),
    textOf(row.blob).join(' / '),
    row.blob?.faces === undefined ? '' : String(row.blob.faces.length),
    error?.code ?? '',
    error?.message ?? '',
  ]
    .map(csvField)
    .join(',');
};

/** What the table's last column says about a row. */
const resultText = (row: LabelRow): string => {
  const error = rowError(row);
  if (error) return `${error.code}: ${error.message}`;
  const parts: string[] = [];
  if (row.blob?.label_details !== undefined) {
    const labels = labelsOf(row.blob, true, ' ');
    parts.push(labels.length > 0 ? labels.join(', ') : '(no labels)');
  }
  if (row.blob?.text !== undefined) {
    const lines = textOf(row.blob);
    parts.push(lines.length > 0 ? `text: ${lines.map((line) => JSON.stringify(line)).join(', ')}` : '(no text)');
  }
  if (row.blob?.faces !== undefined) parts.push(`faces: ${row.blob.faces.length}`);
  return parts.join('; ');
};

/** A plain-text table of every row, in the order given: FILE, STATUS, RESULT (labels with confidences, or the error). */
export const formatTable = (rows: readonly LabelRow[]): string => {
  const cells = [
    ['FILE', 'STATUS', 'RESULT'],
    ...rows.map((row) => [row.file, row.blob?.status ?? 'failed', resultText(row)]),
  ];
  const widths = [0, 1].map((column) => Math.max(...cells.map((line) => line[column]?.length ?? 0)));
  return cells
    .map(([file = '', status = '', result = '']) =>
      `${file.padEnd(widths[0] ?? 0)}  ${status.padEnd(widths[1] ?? 0)}  ${result}`.trimEnd(),
    )
    .join('\n');
};
