import { describe, expect, it } from '@jest/globals';
import {
  AccessDeniedException,
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectTextCommand,
  ImageTooLargeException,
  InternalServerError,
  InvalidImageFormatException,
  InvalidParameterException,
  InvalidS3ObjectException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  RekognitionClient,
  ThrottlingException,
  type FaceDetail,
  type TextDetection,
} from '@aws-sdk/client-rekognition';
import {
  ImageRejectedError,
  MAX_FACES,
  MAX_TEXT_LINES,
  RecognitionError,
  faceSchema,
  labelNamesOf,
  textLineSchema,
  type Feature,
} from '@imgrec/shared';
import { mockClient } from 'aws-sdk-client-mock';
import { twoPeople } from './detectFacesResponses.js';
import { dogOnGrass, streetScene } from './detectLabelsResponses.js';
import { cafeWindow } from './detectTextResponses.js';
import { buildRekognitionRecognizer } from './rekognitionRecognizer.js';

const BUCKET = 'imgrec-dev-images-123456789012-eu-west-1';
const IMAGE = { key: 'q1Xw3-_9ZkLmNoPqRsTuVw' };
const STORED_IMAGE = { S3Object: { Bucket: BUCKET, Name: IMAGE.key } };
const OPTIONS = { min_confidence: 55, max_labels: 20 };
const withFeatures = (...features: Feature[]) => ({ ...OPTIONS, features });

const DETECTORS = [
  { feature: 'labels', Command: DetectLabelsCommand, response: dogOnGrass },
  { feature: 'text', Command: DetectTextCommand, response: cafeWindow },
  { feature: 'faces', Command: DetectFacesCommand, response: twoPeople },
] as const;

const mockedRekognition = () => {
  const client = new RekognitionClient({ region: 'eu-west-1' });
  const rekognition = mockClient(client);
  rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);
  rekognition.on(DetectTextCommand).resolves(cafeWindow);
  rekognition.on(DetectFacesCommand).resolves(twoPeople);
  return { client, rekognition };
};

const recognizerWith = (client: RekognitionClient, waits: number[] = []) =>
  buildRekognitionRecognizer(client, {
    bucket: BUCKET,
    retryDelayMs: (retry) => retry * 100,
    sleep: async (ms) => void waits.push(ms),
  });

const serviceError = <T>(ErrorClass: new (options: { message: string; $metadata: object }) => T, message: string): T =>
  new ErrorClass({ message, $metadata: { httpStatusCode: 400 } });

const line = (text: string, box: { Left: number; Top: number }, confidence = 99.1): TextDetection => ({
  DetectedText: text,
  Type: 'LINE',
  Confidence: confidence,
  Geometry: { BoundingBox: { Width: 0.2, Height: 0.03, ...box } },
});

const face = (confidence: number, detail: Partial<FaceDetail> = {}): FaceDetail => ({
  BoundingBox: { Width: 0.05, Height: 0.08, Left: 0.4, Top: 0.3 },
  Confidence: confidence,
  ...detail,
});

describe('buildRekognitionRecognizer', () => {
  describe('choosing detectors', () => {
    it('only labels an image whose blob predates features, as the original API did', async () => {
      const { client, rekognition } = mockedRekognition();

      const detections = await recognizerWith(client).recognize(IMAGE, OPTIONS);

      expect(Object.keys(detections)).toEqual(['label_details']);
      expect(rekognition.calls().map((call) => call.args[0].constructor.name)).toEqual(['DetectLabelsCommand']);
    });

    it.each(DETECTORS)('with features [$feature] calls only its own API', async ({ feature, Command }) => {
      const { client, rekognition } = mockedRekognition();

      const detections = await recognizerWith(client).recognize(IMAGE, withFeatures(feature));

      expect(Object.keys(detections)).toEqual([{ labels: 'label_details', text: 'text', faces: 'faces' }[feature]]);
      expect(rekognition.calls()).toHaveLength(1);
      expect(rekognition.commandCalls(Command)).toHaveLength(1);
    });

    it('runs every requested detector side by side and returns a field for each', async () => {
      const { client, rekognition } = mockedRekognition();
      const steps: string[] = [];
      for (const { feature, Command, response } of DETECTORS) {
        rekognition.on(Command).callsFake(async () => {
          steps.push(`${feature} asked`);
          await new Promise((resolve) => setImmediate(resolve));
          steps.push(`${feature} answered`);
          return response;
        });
      }

      const detections = await recognizerWith(client).recognize(IMAGE, withFeatures('faces', 'labels', 'text'));

      expect(steps.slice(0, 3).sort()).toEqual(['faces asked', 'labels asked', 'text asked']);
      expect(Object.keys(detections).sort()).toEqual(['faces', 'label_details', 'text']);
      expect(detections.text).toHaveLength(3);
      expect(detections.faces).toHaveLength(2);
    });
  });

  describe('labels', () => {
    it('labels the stored object with the request’s MinConfidence and MaxLabels', async () => {
      const { client, rekognition } = mockedRekognition();

      await recognizerWith(client).recognize(IMAGE, { min_confidence: 72.5, max_labels: 3 });

      expect(rekognition.commandCalls(DetectLabelsCommand).map((call) => call.args[0].input)).toEqual([
        { Image: STORED_IMAGE, MinConfidence: 72.5, MaxLabels: 3 },
      ]);
    });

    it('maps labels to the contract: lower-case names and parents, boxes, confidences, best first', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectLabelsCommand).resolves(streetScene);

      const { label_details: labels = [] } = await recognizerWith(client).recognize(IMAGE, OPTIONS);

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
      const { client } = mockedRekognition();

      const { label_details: labels = [] } = await recognizerWith(client).recognize(IMAGE, OPTIONS);

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

      const { label_details: [person] = [] } = await recognizerWith(client).recognize(IMAGE, OPTIONS);

      expect(person?.instances.map((instance) => instance.confidence)).toEqual([
        99.1, 97.5, 93.4, 91.7, 88.8, 84.3, 80.9, 75.5, 70.1, 66.6,
      ]);
    });

    it('reports the label model version Rekognition used', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectLabelsCommand).resolves({ ...dogOnGrass, LabelModelVersion: '3.1' });
      const recognizer = recognizerWith(client);

      await recognizer.recognize(IMAGE, OPTIONS);

      expect(recognizer.model).toEqual({ provider: 'rekognition', name: 'DetectLabels', version: '3.1' });
    });
  });

  describe('text', () => {
    it('reads the stored object with Rekognition’s own word filter, whatever the label threshold', async () => {
      const { client, rekognition } = mockedRekognition();

      await recognizerWith(client).recognize(IMAGE, { min_confidence: 20, max_labels: 5, features: ['text'] });

      expect(rekognition.commandCalls(DetectTextCommand).map((call) => call.args[0].input)).toEqual([
        { Image: STORED_IMAGE },
      ]);
    });

    it('returns each line once, not its words, top to bottom, with rounded confidences and clamped boxes', async () => {
      const { client } = mockedRekognition();

      const { text } = await recognizerWith(client).recognize(IMAGE, withFeatures('text'));

      expect(text).toStrictEqual([
        // Its box starts just above the image; it is clamped to the edge.
        {
          text: 'COFFEE & BAGELS',
          confidence: 99.7,
          bounding_box: { left: 0.2011, top: 0, width: 0.6012, height: 0.0872 },
        },
        {
          text: 'OPEN 7 DAYS',
          confidence: 99,
          bounding_box: { left: 0.3502, top: 0.1401, width: 0.3004, height: 0.0611 },
        },
        {
          text: 'Espresso 2.50',
          confidence: 96.4,
          bounding_box: { left: 0.0812, top: 0.6124, width: 0.2561, height: 0.0512 },
        },
      ]);
      for (const textLine of text ?? []) expect(textLineSchema.parse(textLine)).toEqual(textLine);
    });

    it('orders lines that start at the same height from left to right', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectTextCommand).resolves({
        TextDetections: [
          line('2.00', { Left: 0.7, Top: 0.5 }),
          line('Muffin', { Left: 0.1, Top: 0.5 }),
          line('MENU', { Left: 0.4, Top: 0.1 }),
        ],
      });

      const { text = [] } = await recognizerWith(client).recognize(IMAGE, withFeatures('text'));

      expect(text.map((textLine) => textLine.text)).toEqual(['MENU', 'Muffin', '2.00']);
    });

    it('drops lines with no text and trims the rest', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectTextCommand).resolves({
        TextDetections: [
          line('', { Left: 0.1, Top: 0.1 }),
          line('   ', { Left: 0.1, Top: 0.2 }),
          { ...line('', { Left: 0.1, Top: 0.3 }), DetectedText: undefined },
          line(' EXIT ', { Left: 0.1, Top: 0.4 }),
        ],
      });

      const { text = [] } = await recognizerWith(client).recognize(IMAGE, withFeatures('text'));

      expect(text.map((textLine) => textLine.text)).toEqual(['EXIT']);
    });

    it(`keeps the ${MAX_TEXT_LINES} topmost lines of a page with more`, async () => {
      const { client, rekognition } = mockedRekognition();
      const lines = Array.from({ length: 120 }, (_, index) => line(`line ${index}`, { Left: 0.05, Top: index / 125 }));
      rekognition.on(DetectTextCommand).resolves({ TextDetections: lines.reverse() });

      const { text = [] } = await recognizerWith(client).recognize(IMAGE, withFeatures('text'));

      expect(text).toHaveLength(MAX_TEXT_LINES);
      expect(text[0]?.text).toBe('line 0');
      expect(text.at(-1)?.text).toBe(`line ${MAX_TEXT_LINES - 1}`);
    });

    it('gives an empty list for an image without text', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectTextCommand).resolves({ TextModelVersion: '3.0', TextDetections: [] });

      await expect(recognizerWith(client).recognize(IMAGE, withFeatures('text'))).resolves.toStrictEqual({ text: [] });
    });
  });

  describe('faces', () => {
    it('asks for the age range and emotions on top of the default attributes', async () => {
      const { client, rekognition } = mockedRekognition();

      await recognizerWith(client).recognize(IMAGE, withFeatures('faces'));

      expect(rekognition.commandCalls(DetectFacesCommand).map((call) => call.args[0].input)).toEqual([
        { Image: STORED_IMAGE, Attributes: ['AGE_RANGE', 'EMOTIONS'] },
      ]);
    });

    it('maps faces to the contract: best first, clamped boxes, age range, lower-case emotions best first', async () => {
      const { client } = mockedRekognition();

      const { faces } = await recognizerWith(client).recognize(IMAGE, withFeatures('faces'));

      expect(faces).toStrictEqual([
        {
          confidence: 100,
          // The face is cut by the left edge; its box is clamped to it.
          bounding_box: { left: 0, top: 0.1805, width: 0.1214, height: 0.2846 },
          age_range: { low: 41, high: 49 },
          emotions: [
            { type: 'happy', confidence: 99.2 },
            { type: 'surprised', confidence: 6.3 },
            { type: 'fear', confidence: 5.9 },
            { type: 'sad', confidence: 2.1 },
            { type: 'calm', confidence: 0.3 },
            { type: 'confused', confidence: 0.1 },
            { type: 'disgusted', confidence: 0 },
            { type: 'angry', confidence: 0 },
          ],
        },
        {
          confidence: 99.9,
          bounding_box: { left: 0.6117, top: 0.2204, width: 0.1182, height: 0.2351 },
          age_range: { low: 26, high: 34 },
          emotions: [
            { type: 'calm', confidence: 88.4 },
            { type: 'surprised', confidence: 6.3 },
            { type: 'sad', confidence: 6.1 },
            { type: 'fear', confidence: 6 },
            { type: 'confused', confidence: 2.1 },
            { type: 'happy', confidence: 1.2 },
            { type: 'angry', confidence: 0.6 },
            { type: 'disgusted', confidence: 0.3 },
          ],
        },
      ]);
      for (const found of faces ?? []) expect(faceSchema.parse(found)).toEqual(found);
    });

    it('leaves out what Rekognition did not estimate, and emotions the contract does not know', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectFacesCommand).resolves({
        FaceDetails: [
          face(99.2),
          face(98.7, {
            AgeRange: { Low: 20 },
            Emotions: [
              { Type: 'BORED' as never, Confidence: 70.1 },
              { Type: 'UNKNOWN', Confidence: 12.4 },
              { Type: 'HAPPY', Confidence: 30.6 },
            ],
          }),
        ],
      });

      const { faces } = await recognizerWith(client).recognize(IMAGE, withFeatures('faces'));

      expect(faces).toStrictEqual([
        { confidence: 99.2, bounding_box: { left: 0.4, top: 0.3, width: 0.05, height: 0.08 } },
        {
          confidence: 98.7,
          bounding_box: { left: 0.4, top: 0.3, width: 0.05, height: 0.08 },
          emotions: [
            { type: 'happy', confidence: 30.6 },
            { type: 'unknown', confidence: 12.4 },
          ],
        },
      ]);
    });

    it(`keeps the ${MAX_FACES} best faces of a crowd`, async () => {
      const { client, rekognition } = mockedRekognition();
      const confidences = Array.from({ length: 110 }, (_, index) => 50 + ((index * 37) % 110) / 4);
      rekognition.on(DetectFacesCommand).resolves({ FaceDetails: confidences.map((confidence) => face(confidence)) });

      const { faces = [] } = await recognizerWith(client).recognize(IMAGE, withFeatures('faces'));

      const best = [...confidences].sort((a, b) => b - a).slice(0, MAX_FACES);
      expect(faces.map((found) => found.confidence)).toEqual(
        best.map((confidence) => Math.round(confidence * 10) / 10),
      );
    });

    it('gives an empty list for an image without faces', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectFacesCommand).resolves({ FaceDetails: [] });

      await expect(recognizerWith(client).recognize(IMAGE, withFeatures('faces'))).resolves.toStrictEqual({
        faces: [],
      });
    });
  });

  describe('failures', () => {
    const rejections = [
      [serviceError(InvalidImageFormatException, 'Request has invalid image format'), 'unsupported_image_format'],
      [serviceError(ImageTooLargeException, 'Image size is too large.'), 'image_too_large'],
      [serviceError(InvalidParameterException, 'Request has invalid parameters'), 'image_dimensions_out_of_range'],
    ] as const;

    it.each(
      DETECTORS.flatMap(({ feature, Command }) =>
        rejections.map(([error, code]) => ({ feature, Command, error, code })),
      ),
    )(
      'turns $error.name from the $feature detector into a final $code, without retrying',
      async ({ feature, Command, error, code }) => {
        const { client, rekognition } = mockedRekognition();
        rekognition.on(Command).rejects(error);

        const recognizing = recognizerWith(client).recognize(IMAGE, withFeatures(feature));

        await expect(recognizing).rejects.toThrow(ImageRejectedError);
        await expect(recognizing).rejects.toMatchObject({ code, retryable: false, cause: error });
        expect(rekognition.commandCalls(Command)).toHaveLength(1);
      },
    );

    it.each(
      DETECTORS.flatMap(({ feature, Command, response }) =>
        [
          serviceError(ThrottlingException, 'Slow down'),
          serviceError(ProvisionedThroughputExceededException, 'Provisioned rate exceeded'),
          serviceError(LimitExceededException, 'Limit exceeded'),
        ].map((error) => ({ feature, Command, response, error })),
      ),
    )(
      'retries $error.name from the $feature detector with a growing backoff until a call succeeds',
      async ({ feature, Command, response, error }) => {
        const { client, rekognition } = mockedRekognition();
        let throttled = 0;
        rekognition.on(Command).callsFake(async () => {
          if (throttled < 2) {
            throttled += 1;
            throw error;
          }
          return response;
        });
        const waits: number[] = [];

        const detections = await recognizerWith(client, waits).recognize(IMAGE, withFeatures(feature));

        const unthrottled = await recognizerWith(mockedRekognition().client).recognize(IMAGE, withFeatures(feature));
        expect(detections).toStrictEqual(unthrottled);
        expect(waits).toEqual([100, 200]);
        expect(rekognition.commandCalls(Command)).toHaveLength(3);
      },
    );

    it.each([
      { feature: 'labels', Command: DetectLabelsCommand, code: 'recognizer_throttled' },
      { feature: 'text', Command: DetectTextCommand, code: 'text_detection_failed' },
      { feature: 'faces', Command: DetectFacesCommand, code: 'face_detection_failed' },
    ] as const)(
      'gives up on throttling of the $feature detector after the last attempt with a retryable $code',
      async ({ feature, Command, code }) => {
        const { client, rekognition } = mockedRekognition();
        rekognition.on(Command).rejects(serviceError(ThrottlingException, 'Slow down'));

        const recognizing = recognizerWith(client).recognize(IMAGE, withFeatures(feature));

        await expect(recognizing).rejects.toThrow(RecognitionError);
        await expect(recognizing).rejects.toMatchObject({ code, retryable: true });
        expect(rekognition.commandCalls(Command)).toHaveLength(4);
      },
    );

    it.each([
      { feature: 'labels', Command: DetectLabelsCommand, code: 'recognizer_unavailable' },
      { feature: 'text', Command: DetectTextCommand, code: 'text_detection_failed' },
      { feature: 'faces', Command: DetectFacesCommand, code: 'face_detection_failed' },
    ] as const)(
      'reports any other failure of the $feature detector as a retryable $code, keeping the cause for the logs',
      async ({ feature, Command, code }) => {
        for (const error of [
          serviceError(InvalidS3ObjectException, 'Unable to get object metadata from S3.'),
          serviceError(AccessDeniedException, 'User is not authorized to perform this action'),
          new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }),
        ]) {
          const { client, rekognition } = mockedRekognition();
          rekognition.on(Command).rejects(error);

          const recognizing = recognizerWith(client).recognize(IMAGE, withFeatures(feature));

          await expect(recognizing).rejects.toMatchObject({ code, retryable: true, cause: error });
          expect(rekognition.commandCalls(Command)).toHaveLength(1);
        }
      },
    );

    it('fails the whole recognition when one of several detectors fails', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectFacesCommand).rejects(serviceError(AccessDeniedException, 'Not authorized'));

      const recognizing = recognizerWith(client).recognize(IMAGE, withFeatures('labels', 'text', 'faces'));

      await expect(recognizing).rejects.toMatchObject({ code: 'face_detection_failed', retryable: true });
    });

    it('prefers a final verdict on the image to another detector’s passing fault, whichever came first', async () => {
      const { client, rekognition } = mockedRekognition();
      rekognition.on(DetectTextCommand).rejects(serviceError(InternalServerError, 'Internal server error'));
      rekognition.on(DetectFacesCommand).callsFake(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        throw serviceError(InvalidImageFormatException, 'Request has invalid image format');
      });

      const recognizing = recognizerWith(client).recognize(IMAGE, withFeatures('text', 'faces'));

      await expect(recognizing).rejects.toMatchObject({ code: 'unsupported_image_format', retryable: false });
    });
  });
});
