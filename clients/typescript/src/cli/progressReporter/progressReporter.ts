import cliProgress from 'cli-progress';

/** Where `imgrec label` tells the user how the run goes (stderr): one update per finished file, failures said once. */
export interface ProgressReporter {
  /** A file finished: `line` describes it; `problem` is the line saying why it failed, when it did. */
  fileDone(line: string, problem: string | undefined): void;
  stop(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * On a terminal, a cli-progress bar (files done, failures, rate, ETA) with problem lines printed above it; elsewhere
 * (a pipe, a CI log) a plain line per file, since a bar's redraws would only fill the log.
 */
export const createProgressReporter = (stream: ProgressStream, total: number): ProgressReporter => {
  if (!stream.isTTY) {
    let done = 0;
    return {
      // A failed file's line is its problem line, so each problem is said once.
      fileDone: (line, problem) => {
        done += 1;
        stream.write(problem === undefined ? `[${done}/${total}] ${line}\n` : `${problem}\n`);
      },
      stop: () => undefined,
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      // cli-progress types its stream as a full WriteStream; it only writes, clears lines and reads the width.
      stream: stream as NodeJS.WriteStream,
      format: ' {bar} {value}/{total} images | {failed} failed | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let failed = 0;
  let done = 0;
  const bar = bars.create(total, 0, { failed, rate: '0.0' });
  return {
    fileDone: (_line, problem) => {
      done += 1;
      if (problem !== undefined) {
        failed += 1;
        bars.log(`${problem}\n`);
      }
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.increment(1, { failed, rate: (done / seconds).toFixed(1) });
    },
    // cli-progress prints logged lines at its next redraw, and stop() does not redraw: flush them first.
    stop: () => {
      bars.update();
      bars.stop();
    },
  };
};
