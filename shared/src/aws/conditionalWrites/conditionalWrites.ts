/** Whether DynamoDB refused a write because its condition did not hold (as opposed to any other failure). */
export const isConditionalCheckFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * Runs a conditional write and resolves to undefined, instead of rejecting, when its condition did not hold: the
 * common "only if" write whose refusal is an answer, not a failure.
 * @throws whatever else the write throws.
 */
export const unlessConditionFails = async <T>(write: Promise<T>): Promise<T | undefined> => {
  try {
    return await write;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
};
