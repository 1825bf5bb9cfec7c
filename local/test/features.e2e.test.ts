import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderTextImage } from '../../services/recognition/src/local/testing/textImage.js';
import { createBlob, putBytes, startStack, uploadImage, waitForBlob, type RunningStack } from './harness.js';

interface TextLine {
  text: string;
  confidence: number;
  bounding_box: Record<string, number>;
}

interface Face {
  confidence: number;
  bounding_box: Record<string, number>;
  emotions?: { type: string; confidence: number }[];
}

describe('features beyond labels, end to end over HTTP', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('reads the text of an image when asked for text, and runs no other detector', async () => {
    const image = await renderTextImage([
      { text: 'CLOSED FOR LUNCH', font: 'DejaVu Sans', size: 64, bold: true },
      { text: 'Back at 2 pm', font: 'Liberation Serif', size: 32 },
    ]);
    const blob = await createBlob(stack, { content_type: 'image/png', features: ['text'] });
    expect((await putBytes(blob, image)).status).toBe(200);
    const body = await waitForBlob(stack, blob.blob_id);
    expect(body).toMatchObject({ status: 'succeeded', options: { features: ['text'] } });
    const lines = body.text as TextLine[];
    expect(lines.map((line) => line.text)).toEqual(['CLOSED FOR LUNCH', 'Back at 2 pm']);
    expect(lines[0]?.confidence).toBeGreaterThan(60);
    expect(body).not.toHaveProperty('labels');
    expect(body).not.toHaveProperty('label_details');
    expect(body).not.toHaveProperty('faces');
  });

  it('finds the face on astronaut.png when asked for faces', async () => {
    const blobId = await uploadImage(stack, 'astronaut.png', { features: ['faces'] });
    const body = await waitForBlob(stack, blobId);
    expect(body).toMatchObject({ status: 'succeeded', options: { features: ['faces'] } });
    const faces = body.faces as Face[];
    expect(faces.length).toBeGreaterThanOrEqual(1);
    expect(faces[0]?.bounding_box.left).toBeCloseTo(0.3, 1);
    expect(faces[0]?.emotions?.[0]?.type).toBe('happy');
    expect(body).not.toHaveProperty('labels');
    expect(body).not.toHaveProperty('text');
  });

  it('reports every requested feature of one image in one result', async () => {
    const blobId = await uploadImage(stack, 'astronaut.png', { features: ['labels', 'text', 'faces'] });
    const body = await waitForBlob(stack, blobId);
    expect(body).toMatchObject({ status: 'succeeded', options: { features: ['labels', 'text', 'faces'] } });
    expect(body.labels).toContain('person');
    expect((body.faces as Face[]).length).toBeGreaterThanOrEqual(1);
    // The photo has no legible text: an empty list, not an error.
    expect(body.text).toEqual([]);
  });

  it('reports labels only, and says so, when no features are asked for', async () => {
    const blobId = await uploadImage(stack, 'dog.jpg');
    const body = await waitForBlob(stack, blobId);
    expect(body).toMatchObject({ status: 'succeeded', options: { features: ['labels'] } });
    expect(body.labels).toContain('dog');
    expect(body).not.toHaveProperty('text');
    expect(body).not.toHaveProperty('faces');
  });
});
