import { describe, expect, it } from '@jest/globals';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { buildSecureParameterReader } from './buildSecureParameterReader.js';

const NAME = '/imgrec/dev/webhook-secret';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const secureString = (value: string) => ({
  Parameter: { Name: NAME, Type: 'SecureString' as const, Value: value, Version: 1 },
});

const mockedSsm = () => {
  const client = new SSMClient({ region: 'eu-west-1' });
  return { client, ssm: mockClient(client) };
};

describe('buildSecureParameterReader', () => {
  it('asks SSM for the decrypted value once, and reuses it within the cache period', async () => {
    const { client, ssm } = mockedSsm();
    ssm.on(GetParameterCommand).resolves(secureString(SECRET));
    let clock = 0;
    const read = buildSecureParameterReader(client, { name: NAME, cacheTtlMs: 60_000, now: () => clock });

    expect(await Promise.all([read(), read()])).toEqual([SECRET, SECRET]);
    clock = 59_999;
    expect(await read()).toBe(SECRET);

    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: NAME, WithDecryption: true },
    ]);
  });

  it('reads again once the cache period is over, so a rotated secret is picked up', async () => {
    const { client, ssm } = mockedSsm();
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(secureString(SECRET))
      .resolvesOnce(secureString(`${SECRET} whsec_rotated`));
    let clock = 0;
    const read = buildSecureParameterReader(client, { name: NAME, cacheTtlMs: 60_000, now: () => clock });

    await read();
    clock = 60_000;
    expect(await read()).toBe(`${SECRET} whsec_rotated`);
  });

  it('does not cache a failed read', async () => {
    const { client, ssm } = mockedSsm();
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .resolvesOnce(secureString(SECRET));
    const read = buildSecureParameterReader(client, { name: NAME });

    await expect(read()).rejects.toThrow(ParameterNotFound);
    expect(await read()).toBe(SECRET);
  });

  it('refuses a parameter stored in plain text', async () => {
    const { client, ssm } = mockedSsm();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Type: 'String', Value: SECRET } });
    const read = buildSecureParameterReader(client, { name: NAME });

    await expect(read()).rejects.toThrow(`SSM parameter ${NAME} must be a SecureString`);
  });
});
