import { manageAccounts } from '@imgrec/accounts/manageAccounts';
import type { OpenedAccountsStore } from '@imgrec/accounts/ports';
import { ValidationError } from '@imgrec/shared';
import { createTenantSecret, rotateTenantSecret, type TenantSecretStore } from '@imgrec/webhooks/tenantSecrets';
import { parseArgs } from 'node:util';

/** The stores the admin commands work on: those of the local data dir, or those of a deployed stage. */
export interface AdminBackend {
  accounts: OpenedAccountsStore;
  secrets: TenantSecretStore;
  /** Releases the databases or clients. */
  close(): void;
}

/** A command's answer: one JSON object (`--json`), and the same for a person to read. */
export interface AdminResult {
  json: Record<string, unknown>;
  text: string;
}

export const ADMIN_USAGE = `Usage: npm run admin -- <command> [--json] [--stage <stage> [--region <region>]]

  tenants create <name> [--max-blobs-per-day N]   a tenant, its first API key and its webhook secret
  tenants list
  tenants disable <tenant_id>                     every key of the tenant stops working
  keys create <tenant_id> [--expires-in-days N]
  keys list <tenant_id>
  keys revoke <key_id>
  webhook-secret rotate <tenant_id> [--overlap-hours 24]
                                                  a new secret; the old ones keep signing for the overlap

Without --stage it works on the local data dir (IMGREC_DATA_DIR, default .imgrec), also while \`npm start\` runs.
With --stage it works on that deployed stage, with your AWS credentials and region (as the AWS CLI finds them).
API keys and webhook secrets are shown once, when they are created: keep them somewhere safe.`;

/** A command line the admin CLI cannot read: answered with the usage and exit code 2. */
export class AdminUsageError extends ValidationError {
  constructor(message: string) {
    super('invalid_command', message);
    this.name = 'AdminUsageError';
  }
}

/** The options every command accepts, and those some take. */
export const ADMIN_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  stage: { type: 'string' },
  region: { type: 'string' },
  'max-blobs-per-day': { type: 'string' },
  'expires-in-days': { type: 'string' },
  'overlap-hours': { type: 'string' },
} as const;

export type AdminArgs = ReturnType<typeof parseAdminArgs>;

/**
 * Reads an admin command line.
 * @throws AdminUsageError for an unknown option or a missing value.
 */
export const parseAdminArgs = (argv: readonly string[]) => {
  try {
    return parseArgs({ args: [...argv], options: ADMIN_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AdminUsageError(error instanceof Error ? error.message : String(error));
  }
};

const numberOption = (raw: string | undefined, name: string, rule: (value: number) => boolean, what: string) => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !rule(value)) {
    throw new AdminUsageError(`--${name} must be ${what}, got "${raw}"`);
  }
  return value;
};

const positional = (positionals: readonly string[], index: number, name: string): string => {
  const value = positionals[index];
  if (value === undefined || value === '') throw new AdminUsageError(`missing <${name}>`);
  return value;
};

const lines = (...rows: (string | false)[]) => rows.filter((row): row is string => row !== false).join('\n');

/**
 * Runs one admin command against a backend and describes its result.
 * @throws AdminUsageError for a command line it cannot read; NotFoundError (`tenant_not_found`, `key_not_found`)
 *   for unknown ids; ValidationError for bad values; the stores' errors as they come.
 */
export const runAdminCommand = async (
  { values, positionals }: AdminArgs,
  backend: AdminBackend,
  now: () => Date = () => new Date(),
): Promise<AdminResult> => {
  const accounts = manageAccounts({ store: backend.accounts, now });
  const [group, action] = positionals;
  const command = `${group ?? ''} ${action ?? ''}`.trim();
  switch (command) {
    case 'tenants create': {
      const name = positional(positionals, 2, 'name');
      const maxBlobsPerDay = numberOption(
        values['max-blobs-per-day'],
        'max-blobs-per-day',
        (value) => Number.isInteger(value) && value >= 0,
        'a whole number ≥ 0',
      );
      const created = await accounts.createTenant({ name, maxBlobsPerDay });
      const { webhook_secret } = await createTenantSecret(backend.secrets, created.tenant.tenant_id, { now: now() });
      const json = {
        tenant_id: created.tenant.tenant_id,
        name: created.tenant.name,
        key_id: created.key_id,
        api_key: created.api_key,
        webhook_secret,
      };
      return {
        json,
        text: lines(
          `Created tenant ${json.tenant_id} (${json.name})`,
          `API key ${json.key_id}: ${json.api_key}`,
          `Webhook secret: ${webhook_secret}`,
          'Both are shown only now: keep them somewhere safe.',
        ),
      };
    }
    case 'tenants list': {
      const tenants = await accounts.listTenants();
      return {
        json: { tenants },
        text: lines(
          tenants.length === 0 && 'No tenants.',
          ...tenants.map(
            (tenant) =>
              `${tenant.tenant_id}  ${tenant.status.padEnd(8)}  ${String(tenant.max_blobs_per_day ?? 'unlimited').padEnd(9)}  ${tenant.name}`,
          ),
        ),
      };
    }
    case 'tenants disable': {
      const tenant = await accounts.disableTenant(positional(positionals, 2, 'tenant_id'));
      return {
        json: { tenant_id: tenant.tenant_id, status: tenant.status },
        text: `Disabled tenant ${tenant.tenant_id}: its keys no longer work.`,
      };
    }
    case 'keys create': {
      const tenantId = positional(positionals, 2, 'tenant_id');
      const days = numberOption(values['expires-in-days'], 'expires-in-days', (value) => value > 0, 'a number > 0');
      const expiresAt = days === undefined ? undefined : new Date(now().getTime() + days * 86_400_000);
      const key = await accounts.createApiKey(tenantId, { expiresAt });
      return {
        json: { key_id: key.key_id, api_key: key.api_key, ...(expiresAt && { expires_at: expiresAt.toISOString() }) },
        text: lines(
          `API key ${key.key_id} for ${tenantId}: ${key.api_key}`,
          expiresAt !== undefined && `It expires at ${expiresAt.toISOString()}.`,
          'It is shown only now: keep it somewhere safe.',
        ),
      };
    }
    case 'keys list': {
      const tenantId = positional(positionals, 2, 'tenant_id');
      const keys = await accounts.listKeys(tenantId);
      return {
        json: { keys },
        text: lines(
          keys.length === 0 && `Tenant ${tenantId} has no keys.`,
          ...keys.map(
            (key) =>
              `${key.key_id}  created ${key.created_at}${key.expires_at ? `  expires ${key.expires_at}` : ''}${key.revoked_at ? `  revoked ${key.revoked_at}` : ''}`,
          ),
        ),
      };
    }
    case 'keys revoke': {
      const key = await accounts.revokeApiKey(positional(positionals, 2, 'key_id'));
      return {
        json: { key_id: key.key_id, revoked_at: key.revoked_at },
        text: `Revoked ${key.key_id}.`,
      };
    }
    case 'webhook-secret rotate': {
      const tenantId = positional(positionals, 2, 'tenant_id');
      const overlapHours =
        numberOption(values['overlap-hours'], 'overlap-hours', (value) => value >= 0, 'a number ≥ 0') ?? 24;
      // Secrets belong to the webhooks service, which knows no tenants: the accounts service vouches for the id.
      await accounts.listKeys(tenantId);
      const { webhook_secret } = await rotateTenantSecret(backend.secrets, tenantId, { overlapHours, now: now() });
      return {
        json: { tenant_id: tenantId, webhook_secret },
        text: lines(
          `New webhook secret for ${tenantId}: ${webhook_secret}`,
          overlapHours > 0
            ? `Callbacks are signed with the old secret(s) too for ${overlapHours} h: move your receivers within that time.`
            : 'The old secrets no longer sign.',
          'It is shown only now: keep it somewhere safe.',
        ),
      };
    }
    default:
      throw new AdminUsageError(command === '' ? 'no command given' : `unknown command "${command}"`);
  }
};
