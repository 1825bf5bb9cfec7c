/** The path parameters of `path` under a route template such as `/blobs/{blob_id}`, or undefined if it differs. */
export const matchRoute = (template: string, path: string): Record<string, string> | undefined => {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? '';
    const parameter = /^\{(.+)\}$/.exec(segment)?.[1];
    if (parameter) {
      if (value === '') return undefined;
      try {
        parameters[parameter] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (segment !== value) {
      return undefined;
    }
  }
  return parameters;
};
