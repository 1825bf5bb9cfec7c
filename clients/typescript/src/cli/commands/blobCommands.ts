import type { BlobResult, ImgrecClient } from '../../client/createImgrecClient/createImgrecClient.js';
import type { CliCommand } from '../parseCliArgs/parseCliArgs.js';
import type { CliIo } from '../runCli/cliIo.js';

/** `imgrec get <id>`: the blob as the API shows it, as indented JSON. */
export const getCommand = async (
  command: Extract<CliCommand, { name: 'get' }>,
  client: ImgrecClient,
  io: CliIo,
): Promise<number> => {
  io.stdout.write(`${JSON.stringify(await client.get(command.blobId), null, 2)}\n`);
  return 0;
};

/** `imgrec delete <id>`. */
export const deleteCommand = async (
  command: Extract<CliCommand, { name: 'delete' }>,
  client: ImgrecClient,
  io: CliIo,
): Promise<number> => {
  await client.delete(command.blobId);
  io.stdout.write(`deleted ${command.blobId}\n`);
  return 0;
};

const listRow = (blob: BlobResult) => [
  blob.blob_id,
  blob.status,
  blob.created_at,
  (blob.labels ?? []).slice(0, 8).join(', ') || (blob.error ? `${blob.error.code}` : ''),
];

/**
 * `imgrec list [--status s] [--limit n] [--json]`: the newest blobs first, following pages up to `--limit`, as a
 * table (blob id, status, created, labels or error code) or JSON lines.
 */
export const listCommand = async (
  command: Extract<CliCommand, { name: 'list' }>,
  client: ImgrecClient,
  io: CliIo,
): Promise<number> => {
  const blobs: BlobResult[] = [];
  const query = { limit: Math.min(command.limit, 100), ...(command.status && { status: command.status }) };
  for await (const blob of client.listAll(query)) {
    blobs.push(blob);
    if (command.format === 'json') io.stdout.write(`${JSON.stringify(blob)}\n`);
    if (blobs.length >= command.limit) break;
  }
  if (command.format === 'table') {
    const cells = [['BLOB_ID', 'STATUS', 'CREATED', 'LABELS'], ...blobs.map(listRow)];
    const widths = [0, 1, 2].map((column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
    const lines = cells.map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
};
