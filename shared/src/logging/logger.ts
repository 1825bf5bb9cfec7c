type Level = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const serializeError = (error: unknown): unknown =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error;

/**
 * A structured logger that writes one JSON object per line, the shape CloudWatch Logs Insights and `jq` read.
 * Fields named `error` are expanded from Error objects. Never pass secrets or signed URLs: lines are kept.
 */
export const buildLogger = (
  base: LogFields = {},
  options: { level?: Level; write?: (line: string) => void } = {},
): Logger => {
  const threshold = LEVELS[options.level ?? ((process.env.IMGREC_LOG_LEVEL as Level | undefined) || 'info')] ?? 20;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: Level, message: string, fields: LogFields = {}) => {
    if (LEVELS[level] < threshold) return;
    const entry: LogFields = { level, time: new Date().toISOString(), message, ...base, ...fields };
    if ('error' in entry) entry.error = serializeError(entry.error);
    write(JSON.stringify(entry));
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => buildLogger({ ...base, ...fields }, { ...options, level: options.level }),
  };
};

export const logger = buildLogger();
