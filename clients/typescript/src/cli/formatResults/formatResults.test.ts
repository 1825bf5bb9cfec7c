import { describe, expect, it } from '@jest/globals';
import type { BlobResult } from '../../client/createImgrecClient/createImgrecClient.js';
import { CSV_HEADER, formatCsvLine, formatJsonLine, formatTable, type LabelRow } from './formatResults.js';

const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4 };
const succeeded = {
  blob_id: 'b1',
  status: 'succeeded',
  labels: ['dog', 'animal', 'bicycle'],
  label_details: [
    { name: 'dog', confidence: 87.14, parents: ['animal'], instances: [{ confidence: 87.14, bounding_box: box }] },
    { name: 'bicycle', confidence: 64, parents: [], instances: [] },
  ],
  model: { provider: 'local', name: 'centernet', version: '1' },
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-28T20:00:00.000Z',
  updated_at: '2026-11-28T20:00:01.000Z',
  completed_at: '2026-11-28T20:00:01.000Z',
} as unknown as BlobResult;
const failed = {
  ...succeeded,
  blob_id: 'b2',
  status: 'failed',
  labels: undefined,
  label_details: undefined,
  error: { code: 'unsupported_image_format', message: 'The image could not be decoded.', retryable: false },
} as unknown as BlobResult;

const rows: LabelRow[] = [
  { file: 'photos/dog.jpg', blob: succeeded, error: undefined },
  { file: 'photos/broken.jpg', blob: failed, error: undefined },
  { file: 'notes, "draft".txt', blob: undefined, error: { code: 'not_an_image', message: 'not a JPEG or PNG image' } },
];

describe('formatResults', () => {
  it('prints a table of files, statuses and labels with confidences, or the error', () => {
    expect(formatTable(rows)).toBe(
      [
        'FILE                STATUS     RESULT',
        'photos/dog.jpg      succeeded  dog 87.1, bicycle 64',
        'photos/broken.jpg   failed     unsupported_image_format: The image could not be decoded.',
        'notes, "draft".txt  failed     not_an_image: not a JPEG or PNG image',
      ].join('\n'),
    );
  });

  it('adds text lines and the number of faces when they were requested', () => {
    const withFeatures = {
      ...succeeded,
      label_details: undefined,
      text: [{ text: 'STOP', confidence: 98, bounding_box: box }],
      faces: [{ confidence: 99, bounding_box: box }],
    } as unknown as BlobResult;
    expect(formatTable([{ file: 'sign.png', blob: withFeatures, error: undefined }])).toBe(
      ['FILE      STATUS     RESULT', 'sign.png  succeeded  text: "STOP"; faces: 1'].join('\n'),
    );
  });

  it('prints one JSON line per file: the blob as the API shows it, or the error', () => {
    expect(JSON.parse(formatJsonLine(rows[0] as LabelRow))).toEqual({ file: 'photos/dog.jpg', ...succeeded });
    expect(JSON.parse(formatJsonLine(rows[2] as LabelRow))).toEqual({
      file: 'notes, "draft".txt',
      status: 'failed',
      error: { code: 'not_an_image', message: 'not a JPEG or PNG image' },
    });
  });

  it('prints RFC 4180 CSV, quoting fields with commas or quotes', () => {
    expect([CSV_HEADER, ...rows.map(formatCsvLine)]).toEqual([
      'file,blob_id,status,labels,text,faces,error_code,error_message',
      'photos/dog.jpg,b1,succeeded,dog:87.1;bicycle:64,,,,',
      'photos/broken.jpg,b2,failed,,,,unsupported_image_format,The image could not be decoded.',
      '"notes, ""draft"".txt",,failed,,,,not_an_image,not a JPEG or PNG image',
    ]);
  });
});
