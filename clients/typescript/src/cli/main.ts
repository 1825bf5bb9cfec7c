import { processIo } from './runCli/processIo.js';
import { runCli } from './runCli/runCli.js';

// The exit code is set rather than forced, so that stdout is flushed to a pipe before the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIo());
