import type { DetectFacesCommandOutput } from '@aws-sdk/client-rekognition';

type DetectFacesResponse = Omit<DetectFacesCommandOutput, '$metadata'>;

/**
 * A DetectFaces response as Rekognition returns it when asked for AGE_RANGE and EMOTIONS: the default attributes
 * (box, confidence, landmarks, pose, quality) come too, emotion names are upper case, and neither faces nor emotions
 * are promised in order of confidence. The second face is cut by the left edge of the photo, so its box starts just outside it.
 */
export const twoPeople: DetectFacesResponse = {
  FaceDetails: [
    {
      BoundingBox: { Width: 0.1182, Height: 0.2351, Left: 0.6117, Top: 0.2204 },
      AgeRange: { Low: 26, High: 34 },
      Emotions: [
        { Type: 'CALM', Confidence: 88.42041015625 },
        { Type: 'SAD', Confidence: 6.103515625 },
        { Type: 'SURPRISED', Confidence: 6.298828125 },
        { Type: 'FEAR', Confidence: 5.950927734375 },
        { Type: 'CONFUSED', Confidence: 2.13623046875 },
        { Type: 'HAPPY', Confidence: 1.153564453125 },
        { Type: 'ANGRY', Confidence: 0.6134033203125 },
        { Type: 'DISGUSTED', Confidence: 0.2899169921875 },
      ],
      Landmarks: [
        { Type: 'eyeLeft', X: 0.6469, Y: 0.3171 },
        { Type: 'eyeRight', X: 0.6985, Y: 0.3188 },
        { Type: 'nose', X: 0.6731, Y: 0.3574 },
        { Type: 'mouthLeft', X: 0.6512, Y: 0.3975 },
        { Type: 'mouthRight', X: 0.6946, Y: 0.3989 },
      ],
      Pose: { Roll: 1.4131, Yaw: -3.0622, Pitch: 7.8851 },
      Quality: { Brightness: 82.1034, Sharpness: 78.6435 },
      Confidence: 99.8742980957031,
    },
    {
      BoundingBox: { Width: 0.1427, Height: 0.2846, Left: -0.0213, Top: 0.1805 },
      AgeRange: { Low: 41, High: 49 },
      Emotions: [
        { Type: 'HAPPY', Confidence: 99.21875 },
        { Type: 'SURPRISED', Confidence: 6.304931640625 },
        { Type: 'FEAR', Confidence: 5.889892578125 },
        { Type: 'SAD', Confidence: 2.1484375 },
        { Type: 'CALM', Confidence: 0.2777099609375 },
        { Type: 'CONFUSED', Confidence: 0.0629425048828125 },
        { Type: 'DISGUSTED', Confidence: 0.0286102294921875 },
        { Type: 'ANGRY', Confidence: 0.0171661376953125 },
      ],
      Landmarks: [
        { Type: 'eyeLeft', X: 0.0224, Y: 0.2921 },
        { Type: 'eyeRight', X: 0.0843, Y: 0.2898 },
        { Type: 'nose', X: 0.0551, Y: 0.3362 },
        { Type: 'mouthLeft', X: 0.0281, Y: 0.3851 },
        { Type: 'mouthRight', X: 0.0814, Y: 0.3832 },
      ],
      Pose: { Roll: -2.6604, Yaw: 21.4716, Pitch: 3.1048 },
      Quality: { Brightness: 75.4302, Sharpness: 86.8624 },
      Confidence: 99.9985656738281,
    },
  ],
};
