export * from './errors.js';
export * from './webhookSecrets/webhookSecrets.js';
export * from './createWebhookSigner/createWebhookSigner.js';
export * from './buildWebhookBody/buildWebhookBody.js';
export * from './verifyWebhook/verifyWebhook.js';
