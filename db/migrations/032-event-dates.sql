-- An FDA spreadsheet or EPCIS export of a date range (db/exports.ts) read every shipped movement
-- of the plant's history to keep a month's: its filter, substr(occurred_at, 1, 10) BETWEEN ..., can
-- use no index (~1.2 s of a 30-day range at bench scale 1). The range queries now compare
-- occurred_at itself (`>= from AND < day after to`) and name the kind of event each one reads,
-- so they start from these few index entries. Kind first: without ANALYZE statistics SQLite only
-- prefers an index over its scan of movements_shipped when it has an equality to go with the range.
CREATE INDEX events_kind_occurred ON events(kind, occurred_at);
-- Pallets of a range, by the time they were built.
CREATE INDEX pallets_created ON pallets(created_at);
