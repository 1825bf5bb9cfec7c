/** Runs `task` for each index 0..count-1, with at most `limit` of them in flight at once. */
export const inParallel = async (
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
};
