import type { SSMClient } from '@aws-sdk/client-ssm';
import { createWebhookSigner, type WebhookSigner } from '@imgrec/shared';
import { buildSecureParameterReader, type SecureParameterReaderConfig } from '@imgrec/shared/aws';

export interface SsmWebhookSignerConfig extends Omit<SecureParameterReaderConfig, 'name'> {
  /** IMGREC_WEBHOOK_SECRET_PARAMETER: the SecureString's name, e.g. `/imgrec/dev/webhook-secret`. */
  parameterName: string;
}

/**
 * The webhook signer of aws mode: its secrets are the value of an SSM SecureString, one or more space-separated
 * `whsec_` entries (several while a secret is rotated; every message is then signed with each). The value is read
 * through {@link buildSecureParameterReader}, so SSM is asked at most once per cache period (5 min by default)
 * and a rotation reaches running functions within that time; the signer is rebuilt only when the value changes.
 * @returns a function resolving to the signer for the parameter's current value. It rejects with the reader's
 *   errors (e.g. `ParameterNotFound`, `AccessDeniedException`, a parameter that is not a SecureString), or with
 *   WebhookSecretError for a malformed value; neither message holds the value.
 */
export const buildSsmWebhookSigner = (
  client: SSMClient,
  config: SsmWebhookSignerConfig,
): (() => Promise<WebhookSigner>) => {
  const { parameterName, ...cache } = config;
  const read = buildSecureParameterReader(client, { ...cache, name: parameterName });
  let current: { value: string; signer: WebhookSigner } | undefined;
  return async () => {
    const value = await read();
    if (current?.value !== value) current = { value, signer: createWebhookSigner(value) };
    return current.signer;
  };
};
