/** Which adapters a process wires: AWS services, or the embedded local ones. */
export type RuntimeMode = 'aws' | 'local';

/**
 * Reads `IMGREC_MODE` (default `local`).
 * @throws Error for any other value, so a typo cannot silently pick the wrong adapters.
 */
export const runtimeMode = (env: NodeJS.ProcessEnv = process.env): RuntimeMode => {
  const mode = env.IMGREC_MODE ?? 'local';
  if (mode !== 'aws' && mode !== 'local') throw new Error(`IMGREC_MODE must be "aws" or "local", got "${mode}"`);
  return mode;
};

/**
 * The default `min_confidence` for the recognizer a mode uses. Scores from the two models are not on one scale
 * (DESIGN §2): Rekognition's own default is 55, the local detector's true objects mostly score 35–75.
 */
export const defaultMinConfidence = (mode: RuntimeMode): number => (mode === 'aws' ? 55 : 30);

export const DEFAULT_MAX_LABELS = 20;
