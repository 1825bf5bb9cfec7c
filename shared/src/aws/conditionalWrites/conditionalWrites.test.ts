import { describe, expect, it } from '@jest/globals';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailure, unlessConditionFails } from './conditionalWrites.js';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('conditional writes', () => {
  it('tells a failed condition from other failures', () => {
    expect(isConditionalCheckFailure(conditionFailed())).toBe(true);
    expect(isConditionalCheckFailure(new Error('ProvisionedThroughputExceededException'))).toBe(false);
    expect(isConditionalCheckFailure('ConditionalCheckFailedException')).toBe(false);
  });

  it('answers a failed condition with undefined, and passes the rest through', async () => {
    await expect(unlessConditionFails(Promise.resolve('written'))).resolves.toBe('written');
    await expect(unlessConditionFails(Promise.reject(conditionFailed()))).resolves.toBeUndefined();
    await expect(unlessConditionFails(Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
  });
});
