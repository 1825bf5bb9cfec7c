export * from './startEmulators.js';
