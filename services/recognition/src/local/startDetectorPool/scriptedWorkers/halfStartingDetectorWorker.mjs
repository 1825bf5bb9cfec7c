// @ts-check
// A stand-in for a pool whose workers come up at different times: of two workers (consecutive thread ids), the one
// with an even id is the scripted worker, the other is still loading its model when the test ends.
import { threadId } from 'node:worker_threads';

if (threadId % 2 === 0) await import('./scriptedDetectorWorker.mjs');
else setInterval(() => undefined, 60_000);
