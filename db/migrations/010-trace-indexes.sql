-- A trace shows the mass balance of every lot it reaches, and a backward trace of any cookie lot
-- reaches the salt lot used in thousands of batches: records.ts listBalances sums all of its
-- movements by kind. With quantity and event_id in the index SQLite sums from the index alone
-- instead of reading each movement row (bench/run.ts, issue 7). Same leading columns as the
-- index it replaces, so every query that used movements_lot still can.
DROP INDEX IF EXISTS movements_lot;
CREATE INDEX movements_lot ON movements(lot_id, kind, quantity, event_id);
