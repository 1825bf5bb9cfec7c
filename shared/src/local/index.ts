export * from './platform.js';
export * from './queues/LocalQueues.js';
export * from './sqlite/openDatabase.js';
export * from './blobStore/FsBlobStore.js';
export * from './server/startLocalServer.js';
export type { HttpRoute, RouteAuthorizer } from './runtime/LocalFunctions.js';
export * from './sqlite/migrateWhenColumnMissing/migrateWhenColumnMissing.js';
