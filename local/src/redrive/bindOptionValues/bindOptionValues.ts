/**
 * Rewrites `--name value` as `--name=value` for the given options. Blob ids are base64url and one in 64 starts with
 * `-`, which node's parseArgs would otherwise refuse as an ambiguous option value.
 */
export const bindOptionValues = (args: readonly string[], names: readonly string[]): string[] => {
  const bound: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const value = args[index + 1];
    if (names.includes(arg) && value !== undefined) {
      bound.push(`${arg}=${value}`);
      index += 1;
    } else {
      bound.push(arg);
    }
  }
  return bound;
};
