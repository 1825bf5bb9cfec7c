import type { DetectLabelsCommandOutput } from '@aws-sdk/client-rekognition';

type DetectLabelsResponse = Omit<DetectLabelsCommandOutput, '$metadata'>;

/**
 * DetectLabels responses as Rekognition returns them for GENERAL_LABELS (label model 3.0): full-precision
 * confidences, parents listed both inside a label and as labels of their own, Aliases and Categories, and boxes
 * whose edges can fall a hair outside the image.
 */
export const streetScene: DetectLabelsResponse = {
  LabelModelVersion: '3.0',
  Labels: [
    {
      Name: 'Car',
      Confidence: 99.98674011230469,
      Instances: [
        {
          BoundingBox: { Width: 0.4106, Height: 0.3597, Left: -0.0012, Top: 0.4718 },
          Confidence: 99.98674011230469,
          DominantColors: [],
        },
        {
          BoundingBox: { Width: 0.1873, Height: 0.1561, Left: 0.6402, Top: 0.5217 },
          Confidence: 93.51250457763672,
          DominantColors: [],
        },
      ],
      Parents: [{ Name: 'Transportation' }, { Name: 'Vehicle' }],
      Aliases: [{ Name: 'Automobile' }],
      Categories: [{ Name: 'Vehicles and Automotive' }],
    },
    {
      Name: 'Transportation',
      Confidence: 99.98674011230469,
      Instances: [],
      Parents: [],
      Aliases: [],
      Categories: [{ Name: 'Vehicles and Automotive' }],
    },
    {
      Name: 'Vehicle',
      Confidence: 99.98674011230469,
      Instances: [],
      Parents: [{ Name: 'Transportation' }],
      Aliases: [],
      Categories: [{ Name: 'Vehicles and Automotive' }],
    },
    {
      Name: 'Person',
      Confidence: 97.20893096923828,
      Instances: [
        {
          BoundingBox: { Width: 0.0641, Height: 0.2915, Left: 0.8512, Top: 0.3954 },
          Confidence: 97.20893096923828,
          DominantColors: [],
        },
      ],
      Parents: [],
      Aliases: [{ Name: 'Human' }],
      Categories: [{ Name: 'Person Description' }],
    },
    {
      Name: 'Road',
      Confidence: 88.4511489868164,
      Instances: [],
      Parents: [],
      Aliases: [],
      Categories: [{ Name: 'Buildings and Architecture' }],
    },
    {
      Name: 'Tarmac',
      Confidence: 61.1104850769043,
      Instances: [],
      Parents: [{ Name: 'Road' }],
      Aliases: [{ Name: 'Asphalt' }],
      Categories: [{ Name: 'Buildings and Architecture' }],
    },
  ],
};

export const dogOnGrass: DetectLabelsResponse = {
  LabelModelVersion: '3.0',
  Labels: [
    {
      Name: 'Animal',
      Confidence: 99.6268081665039,
      Instances: [],
      Parents: [],
      Aliases: [],
      Categories: [{ Name: 'Animals and Pets' }],
    },
    {
      Name: 'Dog',
      Confidence: 99.6268081665039,
      Instances: [
        {
          BoundingBox: { Width: 0.5612, Height: 0.8304, Left: 0.2187, Top: 0.1406 },
          Confidence: 99.6268081665039,
          DominantColors: [],
        },
      ],
      Parents: [{ Name: 'Animal' }, { Name: 'Canine' }, { Name: 'Mammal' }, { Name: 'Pet' }],
      Aliases: [{ Name: 'Puppy' }],
      Categories: [{ Name: 'Animals and Pets' }],
    },
    {
      Name: 'Grass',
      Confidence: 91.0352783203125,
      Instances: [],
      Parents: [{ Name: 'Plant' }],
      Aliases: [],
      Categories: [{ Name: 'Plants and Flowers' }],
    },
  ],
};
