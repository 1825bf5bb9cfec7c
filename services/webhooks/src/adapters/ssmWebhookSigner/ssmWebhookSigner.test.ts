import { describe, expect, it } from '@jest/globals';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { WebhookSecretError, generateWebhookSecret } from '@imgrec/shared';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { buildSsmWebhookSigner } from './ssmWebhookSigner.js';

const NAME = '/imgrec/dev/webhook-secret';
const MESSAGE = { id: 'msg_blob_1', timestamp: new Date(), body: '{"type":"blob.labels_detected"}' };

const secureString = (value: string) => ({
  Parameter: { Name: NAME, Type: 'SecureString' as const, Value: value, Version: 1 },
});

const mockedSsm = () => {
  const client = new SSMClient({ region: 'eu-west-1' });
  return { client, ssm: mockClient(client) };
};

const verifies = (secret: string, headers: Record<string, string>) => {
  try {
    new Webhook(secret).verify(MESSAGE.body, headers);
    return true;
  } catch {
    return false;
  }
};

describe('buildSsmWebhookSigner', () => {
  it('signs with every space-separated secret of the decrypted parameter', async () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const { client, ssm } = mockedSsm();
    ssm.on(GetParameterCommand, { Name: NAME, WithDecryption: true }).resolves(secureString(`${a} ${b}`));
    const signer = buildSsmWebhookSigner(client, { parameterName: NAME });

    const headers = (await signer())(MESSAGE);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect([verifies(a, headers), verifies(b, headers), verifies(generateWebhookSecret(), headers)]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('asks SSM once per cache period and signs with the rotated secret after it', async () => {
    const [before, after] = [generateWebhookSecret(), generateWebhookSecret()];
    const { client, ssm } = mockedSsm();
    ssm.on(GetParameterCommand).resolvesOnce(secureString(before)).resolves(secureString(after));
    let clock = 0;
    const signer = buildSsmWebhookSigner(client, { parameterName: NAME, cacheTtlMs: 60_000, now: () => clock });

    const first = await signer();
    clock = 59_999;
    expect(await signer()).toBe(first);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);

    clock = 60_000;
    const headers = (await signer())(MESSAGE);
    expect([verifies(before, headers), verifies(after, headers)]).toEqual([false, true]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('refuses a malformed value without repeating it', async () => {
    const { client, ssm } = mockedSsm();
    ssm.on(GetParameterCommand).resolves(secureString('whsec_c2hvcnQ='));
    const signer = buildSsmWebhookSigner(client, { parameterName: NAME });

    const refusal = signer();
    await expect(refusal).rejects.toBeInstanceOf(WebhookSecretError);
    await expect(refusal).rejects.not.toThrow('c2hvcnQ');
  });
});
