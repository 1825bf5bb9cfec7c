import { readChoice } from '../readEnv/readEnv.js';

/** Which adapters a process wires: AWS services, or the embedded local ones. */
export type RuntimeMode = 'aws' | 'local';

/**
 * Reads `IMGREC_MODE` (default `local`).
 * @throws ConfigError for any other value, so a typo cannot silently pick the wrong adapters.
 */
export const runtimeMode = (env: NodeJS.ProcessEnv = process.env): RuntimeMode =>
  readChoice('IMGREC_MODE', ['aws', 'local'], 'local', env);

/**
 * The default `min_confidence` for the recognizer a mode uses. Scores from the two models are not on one scale
 * (see docs/ARCHITECTURE.md, "Recognition"): Rekognition's own default is 55, the local detector's true objects mostly
 * score 35–75.
 */
export const defaultMinConfidence = (mode: RuntimeMode): number => (mode === 'aws' ? 55 : 30);

export const DEFAULT_MAX_LABELS = 20;

/** A source of the current time: the one shape of clock every service takes, so tests can stop time. */
export type Clock = () => Date;
