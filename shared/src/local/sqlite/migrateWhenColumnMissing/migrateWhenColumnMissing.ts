import type { Database } from 'better-sqlite3';

/**
 * The owner of every row a data dir held before tenants existed: the local stack then had one caller, who is now the
 * dev tenant.
 */
export const LEGACY_TENANT_ID = 'dev';

/**
 * Whether a table has a column; false when the table does not exist.
 */
export const hasColumn = (db: Database, table: string, column: string): boolean =>
  db
    .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
    .all(table)
    .some((each) => each.name === column);

/**
 * Brings a data dir of an earlier release up to date: runs `migrate` when `table` lacks `column`, in one immediate
 * transaction, so that two processes opening an old data dir at once (the server and an admin command) migrate it
 * once. `migrate` must leave the table with the column.
 */
export const migrateWhenColumnMissing = (db: Database, table: string, column: string, migrate: () => void): void => {
  db.transaction(() => {
    if (!hasColumn(db, table, column)) migrate();
  }).immediate();
};
