// The receiver lives in the client package, whose `imgrec webhooks listen` command is `npm run webhooks:listen`;
// the local end-to-end tests import it from here.
export {
  startWebhookListener,
  type ListenedDelivery,
  type WebhookListener,
  type WebhookListenerOptions,
} from '@imgrec/client';
