import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A counter bumped by every statement that writes grid versions: a process holding grids in
  // memory (the locate index) compares it to know, at the cost of one tiny read, whether another
  // process changed them.
  await sql`CREATE TABLE grid_epoch (id integer PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL)`.execute(db);
  await sql`INSERT INTO grid_epoch VALUES (1, 0)`.execute(db);
  await sql`
    CREATE FUNCTION bump_grid_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE grid_epoch SET epoch = epoch + 1 WHERE id = 1;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER grid_versions_epoch AFTER INSERT OR UPDATE OR DELETE ON grid_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_grid_epoch()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER grid_versions_epoch ON grid_versions`.execute(db);
  await sql`DROP FUNCTION bump_grid_epoch()`.execute(db);
  await sql`DROP TABLE grid_epoch`.execute(db);
}
