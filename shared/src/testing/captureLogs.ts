import { jest } from '@jest/globals';

export interface CapturedLogs {
  /** Every JSON line written to stdout or stderr since the capture began, parsed. */
  lines: Record<string, unknown>[];
  /** The messages of those lines, in order. */
  messages(): string[];
  restore(): void;
}

/**
 * Captures what loggers write (tests only). Powertools loggers write one JSON object per line to stdout (info and
 * debug) and stderr (warn and error), through streams they hold; this replaces those streams' write for the test.
 * Lines that are not JSON are dropped. Call restore() in afterEach.
 */
export const captureLogs = (): CapturedLogs => {
  const lines: Record<string, unknown>[] = [];
  const keep = (chunk: unknown): boolean => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim() === '') continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line.
      }
    }
    return true;
  };
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(keep as typeof stream.write),
  );
  return {
    lines,
    messages: () => lines.map((line) => String(line.message)),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
