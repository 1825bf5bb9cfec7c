import { describe, expect, it } from '@jest/globals';
import {
  DetectLabelsCommand,
  ImageTooLargeException,
  InvalidImageFormatException,
  InvalidParameterException,
  InvalidS3ObjectException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  RekognitionClient,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { ImageRejectedError, RecognitionError, labelNamesOf } from '@imgrec/shared';
import { mockClient } from 'aws-sdk-client-mock';
import { dogOnGrass, streetScene } from './detectLabelsResponses.js';
import { buildRekognitionRecognizer } from './rekognitionRecognizer.js';

const BUCKET = 'imgrec-dev-images-123456789012-eu-west-1';
const IMAGE = { key: 'q1Xw3-_9ZkLmNoPqRsTuVw' };
const OPTIONS = { min_confidence: 55, max_labels: 20 };

const mockedRekognition = () => {
  const client = new RekognitionClient({ region: 'eu-west-1' });
  return { client, rekognition: mockClient(client) };
};

const recognizerWith = (client: RekognitionClient, waits: number[] = []) =>
  buildRekognitionRecognizer(client, {
    bucket: BUCKET,
    retryDelayMs: (retry) => retry * 100,
    sleep: async (ms) => void waits.push(ms),
  });

const serviceError = <T>(ErrorClass: new (options: { message: string; $metadata: object }) => T, message: string): T =>
  new ErrorClass({ message, $metadata: { httpStatusCode: 400 } });

describe('buildRekognitionRecognizer', () => {
  it('labels the stored object with the request’s MinConfidence and MaxLabels', async () => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);

    await recognizerWith(client).detectLabels(IMAGE, { min_confidence: 72.5, max_labels: 3 });

    expect(rekognition.commandCalls(DetectLabelsCommand).map((call) => call.args[0].input)).toEqual([
      { Image: { S3Object: { Bucket: BUCKET, Name: IMAGE.key } }, MinConfidence: 72.5, MaxLabels: 3 },
    ]);
  });

  it('maps labels to the contract: lower-case names and parents, boxes, confidences, best first', async () => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).resolves(streetScene);

    const labels = await recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    expect(labels[0]).toEqual({
      name: 'car',
      confidence: 100,
      parents: ['transportation', 'vehicle'],
      instances: [
        // The first box starts just left of the image; it is clamped to the edge.
        { confidence: 100, bounding_box: { left: 0, top: 0.4718, width: 0.4094, height: 0.3597 } },
        { confidence: 93.5, bounding_box: { left: 0.6402, top: 0.5217, width: 0.1873, height: 0.1561 } },
      ],
    });
    expect(labels.map(({ name, confidence, parents }) => ({ name, confidence, parents }))).toEqual([
      { name: 'car', confidence: 100, parents: ['transportation', 'vehicle'] },
      { name: 'transportation', confidence: 100, parents: [] },
      { name: 'vehicle', confidence: 100, parents: ['transportation'] },
      { name: 'person', confidence: 97.2, parents: [] },
      { name: 'road', confidence: 88.5, parents: [] },
      { name: 'tarmac', confidence: 61.1, parents: ['road'] },
    ]);
    expect(labelNamesOf(labels)).toEqual(['car', 'transportation', 'vehicle', 'person', 'road', 'tarmac']);
  });

  it('keeps neither Aliases nor Categories, which the contract has no place for', async () => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);

    const labels = await recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    expect(labels.find((label) => label.name === 'dog')).toStrictEqual({
      name: 'dog',
      confidence: 99.6,
      parents: ['animal', 'canine', 'mammal', 'pet'],
      instances: [{ confidence: 99.6, bounding_box: { left: 0.2187, top: 0.1406, width: 0.5612, height: 0.8304 } }],
    });
  });

  it('keeps only the 10 best instances of a label, best first', async () => {
    const { client, rekognition } = mockedRekognition();
    const confidences = [61.2, 97.5, 70.1, 88.8, 58.3, 93.4, 66.6, 99.1, 75.5, 80.9, 91.7, 57.2, 84.3];
    rekognition.on(DetectLabelsCommand).resolves({
      LabelModelVersion: '3.0',
      Labels: [
        {
          Name: 'Person',
          Confidence: 99.1,
          Instances: confidences.map((confidence, index) => ({
            BoundingBox: { Width: 0.05, Height: 0.2, Left: index * 0.07, Top: 0.4 },
            Confidence: confidence,
          })),
          Parents: [],
        },
      ],
    });

    const [person] = await recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    expect(person?.instances.map((instance) => instance.confidence)).toEqual([
      99.1, 97.5, 93.4, 91.7, 88.8, 84.3, 80.9, 75.5, 70.1, 66.6,
    ]);
  });

  it('reports the label model version Rekognition used', async () => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).resolves({ ...dogOnGrass, LabelModelVersion: '3.1' });
    const recognizer = recognizerWith(client);

    await recognizer.detectLabels(IMAGE, OPTIONS);

    expect(recognizer.model).toEqual({ provider: 'rekognition', name: 'DetectLabels', version: '3.1' });
  });

  it.each([
    [serviceError(InvalidImageFormatException, 'Request has invalid image format'), 'unsupported_image_format'],
    [serviceError(ImageTooLargeException, 'Image size is too large.'), 'image_too_large'],
    [serviceError(InvalidParameterException, 'Request has invalid parameters'), 'image_dimensions_out_of_range'],
  ])('turns %s into a final rejection with the code %s, without retrying', async (error, code) => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).rejects(error);

    const labelling = recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    await expect(labelling).rejects.toThrow(ImageRejectedError);
    await expect(labelling).rejects.toMatchObject({ code, retryable: false, cause: error });
    expect(rekognition.commandCalls(DetectLabelsCommand)).toHaveLength(1);
  });

  it.each([
    serviceError(ThrottlingException, 'Slow down'),
    serviceError(ProvisionedThroughputExceededException, 'Provisioned rate exceeded'),
    serviceError(LimitExceededException, 'Limit exceeded'),
  ])('retries %s with a growing backoff until a call succeeds', async (error) => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).rejectsOnce(error).rejectsOnce(error).resolves(dogOnGrass);
    const waits: number[] = [];

    const labels = await recognizerWith(client, waits).detectLabels(IMAGE, OPTIONS);

    expect(labels.map((label) => label.name)).toEqual(['animal', 'dog', 'grass']);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up on throttling after the last attempt with a retryable error, so the queue retries later', async () => {
    const { client, rekognition } = mockedRekognition();
    rekognition.on(DetectLabelsCommand).rejects(serviceError(ThrottlingException, 'Slow down'));

    const labelling = recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    await expect(labelling).rejects.toThrow(RecognitionError);
    await expect(labelling).rejects.toMatchObject({ code: 'recognizer_throttled', retryable: true });
    expect(rekognition.commandCalls(DetectLabelsCommand)).toHaveLength(4);
  });

  it('reports any other failure as retryable, keeping the cause for the logs', async () => {
    const { client, rekognition } = mockedRekognition();
    const error = serviceError(InvalidS3ObjectException, 'Unable to get object metadata from S3.');
    rekognition.on(DetectLabelsCommand).rejects(error);

    const labelling = recognizerWith(client).detectLabels(IMAGE, OPTIONS);

    await expect(labelling).rejects.toMatchObject({ code: 'recognizer_unavailable', retryable: true, cause: error });
    expect(rekognition.commandCalls(DetectLabelsCommand)).toHaveLength(1);
  });
});
