export * from './buildApiDescription.js';
export * from './errorCodes.js';
