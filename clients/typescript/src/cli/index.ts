// `@imgrec/client/cli`: the `imgrec` command, to run it from another entry point (npm run webhooks:listen).
export type { CliIo } from './runCli/cliIo.js';
export { processIo } from './runCli/processIo.js';
export { runCli } from './runCli/runCli.js';
