import { processIo, runCli } from '@imgrec/client/cli';

// `npm run webhooks:listen -- [--port 4000] [--secret whsec_…]` is `imgrec webhooks listen`: one implementation.
process.exitCode = await runCli(['webhooks', 'listen', ...process.argv.slice(2)], processIo());
