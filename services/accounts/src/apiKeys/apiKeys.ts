import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with this, so that a leaked key is recognisable (secret scanners, logs, a person). */
const API_KEY_PREFIX = 'imgrec_sk_';

/** The prefix, then at least 43 base64url characters: 32 random bytes, or more if keys ever grow. */
const API_KEY_PATTERN = /^imgrec_sk_[A-Za-z0-9_-]{43,}$/;

/**
 * `Bearer`, in any case (auth schemes are case-insensitive), then one or more spaces (RFC 6750's `1*SP`) and one
 * token with no space in it. Node has already trimmed the header value of surrounding whitespace.
 */
const BEARER_PATTERN = /^bearer +([^ ]+)$/i;

/** The id of the tenant local mode creates on its first start. */
export const DEV_TENANT_ID = 'dev';

/** A new API key: the prefix and 32 random bytes in base64url (43 characters). Shown once, stored only hashed. */
export const generateApiKey = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** The SHA-256 of an API key, in lower-case hex: what is stored and looked up in place of the key. */
export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey, 'utf8').digest('hex');

/** Whether `value` has the form of an API key (it may still be unknown, revoked or expired). */
export const isWellFormedApiKey = (value: string): boolean => API_KEY_PATTERN.test(value);

/**
 * The API key in an `Authorization` header value of the form `Bearer imgrec_sk_…`, or undefined when the value is
 * malformed: another scheme, no token or more than one, or a token that is not an API key. The caller tells a
 * missing header from a malformed one first.
 */
export const readBearerApiKey = (authorization: string): string | undefined => {
  const token = BEARER_PATTERN.exec(authorization)?.[1];
  return token !== undefined && isWellFormedApiKey(token) ? token : undefined;
};

/** A new tenant id: `tnt_` and 20 lower-case hex characters (80 random bits). */
export const newTenantId = (): string => `tnt_${randomBytes(10).toString('hex')}`;

/**
 * A new key id: `key_` and 20 lower-case hex characters (80 random bits). It is public: listings show it and
 * `keys revoke` takes it, so it never starts with a dash a command line would read as an option.
 */
export const newKeyId = (): string => `key_${randomBytes(10).toString('hex')}`;
