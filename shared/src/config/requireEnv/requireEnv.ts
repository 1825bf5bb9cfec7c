/**
 * Reads a required environment variable. Call it at module load so a missing setting fails the cold start,
 * not the first request.
 * @throws Error naming the variable when it is unset or empty.
 */
export const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
};
