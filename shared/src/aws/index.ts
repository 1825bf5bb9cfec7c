export * from './buildS3Client/buildS3Client.js';
export * from './buildEventBridgePublisher/buildEventBridgePublisher.js';
export * from './conditionalWrites/conditionalWrites.js';
