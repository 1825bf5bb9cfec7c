export * from './captureLogs.js';
export * from './awsEvents.js';
