import type { DetectTextCommandOutput } from '@aws-sdk/client-rekognition';

type DetectTextResponse = Omit<DetectTextCommandOutput, '$metadata'>;

/**
 * A DetectText response as Rekognition returns it (text model 3.0) for a café's window: every line first, as a LINE,
 * then each of its words again as a WORD pointing at it through ParentId. Lines come in Rekognition's order, which is
 * not top to bottom, and the top line's box starts a hair above the image.
 */
export const cafeWindow: DetectTextResponse = {
  TextModelVersion: '3.0',
  TextDetections: [
    {
      DetectedText: 'COFFEE & BAGELS',
      Type: 'LINE',
      Id: 0,
      Confidence: 99.71263885498047,
      Geometry: {
        BoundingBox: { Width: 0.6012, Height: 0.0903, Left: 0.2011, Top: -0.0031 },
        Polygon: [
          { X: 0.2011, Y: -0.0031 },
          { X: 0.8023, Y: -0.0029 },
          { X: 0.8023, Y: 0.0874 },
          { X: 0.2011, Y: 0.0872 },
        ],
      },
    },
    {
      DetectedText: 'Espresso 2.50',
      Type: 'LINE',
      Id: 1,
      Confidence: 96.40841674804688,
      Geometry: {
        BoundingBox: { Width: 0.2561, Height: 0.0512, Left: 0.0812, Top: 0.6124 },
        Polygon: [
          { X: 0.0812, Y: 0.6124 },
          { X: 0.3373, Y: 0.6131 },
          { X: 0.3373, Y: 0.6643 },
          { X: 0.0812, Y: 0.6636 },
        ],
      },
    },
    {
      DetectedText: 'OPEN 7 DAYS',
      Type: 'LINE',
      Id: 2,
      Confidence: 98.96385192871094,
      Geometry: {
        BoundingBox: { Width: 0.3004, Height: 0.0611, Left: 0.3502, Top: 0.1401 },
        Polygon: [
          { X: 0.3502, Y: 0.1401 },
          { X: 0.6506, Y: 0.1398 },
          { X: 0.6506, Y: 0.2009 },
          { X: 0.3502, Y: 0.2012 },
        ],
      },
    },
    ...[
      { text: 'COFFEE', parent: 0, confidence: 99.81430053710938, left: 0.2011, width: 0.2507 },
      { text: '&', parent: 0, confidence: 99.42398834228516, left: 0.4702, width: 0.0403 },
      { text: 'BAGELS', parent: 0, confidence: 99.89962768554688, left: 0.5306, width: 0.2717 },
    ].map(({ text, parent, confidence, left, width }, index) => ({
      DetectedText: text,
      Type: 'WORD' as const,
      Id: 3 + index,
      ParentId: parent,
      Confidence: confidence,
      Geometry: { BoundingBox: { Width: width, Height: 0.0903, Left: left, Top: -0.0031 } },
    })),
    ...[
      { text: 'Espresso', parent: 1, confidence: 97.01963806152344, left: 0.0812, width: 0.1703, top: 0.6124 },
      { text: '2.50', parent: 1, confidence: 95.79719543457031, left: 0.2661, width: 0.0712, top: 0.6131 },
      { text: 'OPEN', parent: 2, confidence: 99.3076171875, left: 0.3502, width: 0.1209, top: 0.1401 },
      { text: '7', parent: 2, confidence: 98.1114807128906, left: 0.4851, width: 0.0301, top: 0.1399 },
      { text: 'DAYS', parent: 2, confidence: 99.47245788574219, left: 0.5297, width: 0.1209, top: 0.1398 },
    ].map(({ text, parent, confidence, left, width, top }, index) => ({
      DetectedText: text,
      Type: 'WORD' as const,
      Id: 6 + index,
      ParentId: parent,
      Confidence: confidence,
      Geometry: { BoundingBox: { Width: width, Height: 0.0512, Left: left, Top: top } },
    })),
  ],
};
