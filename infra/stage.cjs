// The stage every service deploys to (`provider.stage: ${file(../../infra/stage.cjs):stage}` in each serverless.yml),
// checked when the framework resolves it, so that a name AWS would refuse fails the package, not a half-made deploy.
// A CommonJS file because the framework loads variable files with require().

/**
 * The longest stage that keeps every name built from it within AWS's limits, with a 12-digit account id and the
 * longest region name (14 characters, such as ap-southeast-2):
 * - the image bucket `imgrec-<stage>-images-<account>-<region>`: 42 characters + the stage ≤ 63 (S3), so 21;
 * - the longest function name, `imgrec-webhooks-<stage>-onRecognitionCompleted`: 39 + the stage ≤ 64 (Lambda), so 25.
 */
const MAX_STAGE_LENGTH = 21;

/** Lowercase because S3 bucket names must be; a letter first, so the stage reads as a name in every resource. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * Returns the `--stage` option, or `dev` without one.
 * Throws when the stage is not lowercase letters, digits and hyphens starting with a letter, or is longer than
 * MAX_STAGE_LENGTH: the message names the rule that was broken.
 */
const stage = ({ options }) => {
  const name = options.stage ?? 'dev';
  const problem = !STAGE_PATTERN.test(name)
    ? 'must be lowercase letters, digits and hyphens, starting with a letter (the image bucket name is built from it)'
    : name.length > MAX_STAGE_LENGTH
      ? `must be at most ${MAX_STAGE_LENGTH} characters, so that the image bucket's name stays within S3's 63 and ` +
        "every function's name within Lambda's 64"
      : undefined;
  if (problem === undefined) return name;
  const error = new Error(`Invalid stage "${name}": the stage ${problem}.`);
  // The framework prints a failed variable's stack when it has one; the message alone is what the user needs.
  error.stack = error.message;
  throw error;
};

module.exports = { stage, MAX_STAGE_LENGTH };
