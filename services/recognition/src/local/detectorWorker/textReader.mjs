// @ts-check
/**
 * Reads lines of text with tesseract.js, for the detector worker. Plain JavaScript for the reason given in
 * detectorWorker.mjs.
 *
 * tesseract.js runs its WASM core in a thread of its own, started here on the first image that asks for text: most
 * images never do, and starting it (about 0.7 s) must not delay the recognizer's readiness. Everything it loads comes
 * from installed packages: the core from tesseract.js-core (tesseract.js requires it by name in Node), the English
 * LSTM model from @tesseract.js-data/eng, and no cache is written anywhere.
 *
 * @typedef {import('./protocol.js').RawText} RawText
 * @typedef {import('tesseract.js').Worker} TesseractWorker
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The integer-quantised "best" LSTM model: as accurate as the 4.0.0 folder's model on our generated text and about a
 * third faster to load (2.9 MB against 10.9 MB, which also carries the legacy engine that LSTM_ONLY never uses).
 */
const LANG_PATH = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
const CORE_PATH = path.dirname(require.resolve('tesseract.js-core/package.json'));

/** Creates a reader whose tesseract thread starts on the first read() and restarts after a failed one. */
export function createTextReader() {
  /** @type {Promise<TesseractWorker> | undefined} */
  let starting;

  async function start() {
    /** @type {typeof import('tesseract.js')} */
    const tesseract = require('tesseract.js');
    const worker = await tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
      langPath: LANG_PATH,
      corePath: CORE_PATH,
      cacheMethod: 'none',
      gzip: true,
    });
    await worker.setParameters({
      // Sparse text: find as much text as possible in no set order. The default (automatic page layout) takes large
      // type, a sign's or a title's, for a picture and drops it; photos and screenshots are rarely a page.
      tessedit_pageseg_mode: tesseract.PSM.SPARSE_TEXT,
      // The PNGs handed over carry no usable resolution; without one tesseract guesses 70 dpi and warns on stderr.
      user_defined_dpi: '300',
    });
    return worker;
  }

  return {
    /**
     * Reads the lines of an encoded image, in tesseract's block/paragraph/line structure flattened.
     * @param {{ png: Buffer, width: number, height: number }} image
     * @returns {Promise<RawText>}
     */
    async read({ png, width, height }) {
      starting ??= start();
      const worker = await starting.catch((/** @type {unknown} */ error) => {
        starting = undefined;
        throw error;
      });
      try {
        const { data } = await worker.recognize(png, {}, { blocks: true, text: false });
        const lines = (data.blocks ?? []).flatMap((block) =>
          block.paragraphs.flatMap((paragraph) =>
            paragraph.lines.map(({ text, confidence, bbox }) => ({ text, confidence, bbox })),
          ),
        );
        return { lines, width, height };
      } catch (error) {
        // Whatever went wrong may have left the engine in a bad state; the next image gets a fresh one.
        starting = undefined;
        void worker.terminate().catch(() => undefined);
        throw error;
      }
    },
  };
}
