import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

export interface SecureParameterReaderConfig {
  /** The parameter's name, e.g. `/imgrec/dev/webhook-secret`. */
  name: string;
  /** How long a value is reused before it is read again, so that a rotated secret is picked up. Default 5 min. */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Reads one SSM SecureString parameter, decrypted, and caches it for `cacheTtlMs`: secrets stay out of the
 * function's environment (visible to anyone who can read its configuration) and SSM is asked at most once per
 * cache period per container. Concurrent calls share one request; a failed read is not cached.
 * @returns a function resolving to the value.
 *   It rejects with the SDK's error (e.g. `ParameterNotFound`, `AccessDeniedException`), or with an Error when the
 *   parameter is not a SecureString, so a secret stored in plain text is refused rather than used.
 */
export const buildSecureParameterReader = (
  client: SSMClient,
  config: SecureParameterReaderConfig,
): (() => Promise<string>) => {
  const cacheTtlMs = config.cacheTtlMs ?? 5 * 60 * 1000;
  const now = config.now ?? Date.now;
  let cached: { value: Promise<string>; readAt: number } | undefined;

  const read = async (): Promise<string> => {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: config.name, WithDecryption: true }));
    if (Parameter?.Type !== 'SecureString' || !Parameter.Value) {
      throw new Error(`SSM parameter ${config.name} must be a SecureString with a value`);
    }
    return Parameter.Value;
  };

  return () => {
    const at = now();
    if (cached && at - cached.readAt < cacheTtlMs) return cached.value;
    const entry = { value: read(), readAt: at };
    cached = entry;
    entry.value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.value;
  };
};
