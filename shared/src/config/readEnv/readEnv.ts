import { ConfigError } from '../../errors/index.js';

type Env = NodeJS.ProcessEnv;

/**
 * Reads a required setting. Call it where a service reads its config, once, so a missing setting fails the start
 * (or the Lambda's cold start), not the first request.
 * @throws ConfigError naming the variable when it is unset or empty.
 */
export const requireEnv = (name: string, env: Env = process.env): string => {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
};

/**
 * Reads a whole-number setting within bounds, or `fallback` when it is unset.
 * @throws ConfigError naming the variable and the bounds when it is set to anything else.
 */
export const readInteger = (
  name: string,
  bounds: { min: number; max?: number },
  fallback: number,
  env: Env = process.env,
): number => {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (raw.trim() === '' || !Number.isInteger(value) || value < bounds.min || value > max) {
    const range = bounds.max === undefined ? `≥ ${bounds.min}` : `from ${bounds.min} to ${bounds.max}`;
    throw new ConfigError(`${name} must be a whole number ${range}, got "${raw}"`);
  }
  return value;
};

/**
 * Reads a setting from a fixed set of values (compared as given), or `fallback` when it is unset.
 * @throws ConfigError naming the variable and the values it takes.
 */
export const readChoice = <T extends string>(
  name: string,
  choices: readonly T[],
  fallback: T,
  env: Env = process.env,
): T => {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
};

/**
 * Reads a comma-separated list setting, each entry trimmed and checked by `parse`; `fallback` when it is unset, and
 * the empty list when it is set to an empty string.
 * @throws ConfigError from `parse`, which names the bad entry.
 */
export const readList = <T>(
  name: string,
  parse: (entry: string) => T,
  fallback: readonly T[],
  env: Env = process.env,
): readonly T[] => {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') return [];
  return raw.split(',').map((entry) => parse(entry.trim()));
};

/**
 * Reads a setting that is a number greater than zero, fractions allowed, or `fallback` when it is unset.
 * @throws ConfigError naming the variable for anything else.
 */
export const readPositiveNumber = (name: string, fallback: number, env: Env = process.env): number => {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a number greater than 0, got "${raw}"`);
  }
  return value;
};
