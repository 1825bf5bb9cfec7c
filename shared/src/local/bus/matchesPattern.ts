/** An EventBridge event pattern: nested objects whose leaves are arrays of accepted values or matchers. */
export type EventPattern = { [key: string]: EventPattern | PatternValue[] };

type PatternValue =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { exists: boolean }
  | { 'anything-but': string | number | (string | number)[] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matchesValue = (rule: PatternValue, value: unknown, present: boolean): boolean => {
  if (!isPlainObject(rule)) return present && (Array.isArray(value) ? value.includes(rule) : value === rule);
  if ('exists' in rule) return rule.exists === present;
  if (!present) return false;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix);
  if ('anything-but' in rule) {
    const excluded = ([] as unknown[]).concat(rule['anything-but']);
    return !excluded.includes(value);
  }
  return false;
};

/**
 * Whether an event matches an EventBridge pattern, for the subset of the pattern language the services use:
 * exact values, `prefix`, `exists` and `anything-but`. Every key of the pattern must match (AND); the values
 * listed for one key are alternatives (OR).
 * @throws Error for matcher kinds this subset does not implement, so a rule never silently matches nothing.
 */
export const matchesPattern = (pattern: EventPattern, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([key, rule]) => {
    const present = Object.hasOwn(event, key) && event[key] !== undefined;
    const value = event[key];
    if (Array.isArray(rule)) {
      for (const matcher of rule) {
        if (isPlainObject(matcher) && !['prefix', 'exists', 'anything-but'].some((kind) => kind in matcher)) {
          throw new Error(`Unsupported event pattern matcher ${JSON.stringify(matcher)}`);
        }
      }
      return rule.some((matcher) => matchesValue(matcher, value, present));
    }
    return isPlainObject(value) && matchesPattern(rule, value);
  });
