// A stand-in for detectorWorker.mjs that fails the way a broken install does: before it is ever ready.
throw new Error('Cannot find module @tensorflow/tfjs-converter');
