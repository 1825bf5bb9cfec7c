import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens (creating if needed) a SQLite database for local mode. WAL lets the CLI tools (redrive) write while the
 * server runs; synchronous=NORMAL in WAL mode loses nothing when the process is killed, only on power loss.
 */
export const openDatabase = (file: string): Database.Database => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
};
