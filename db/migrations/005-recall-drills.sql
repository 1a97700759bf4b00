-- Mock recall drills: auditors (SQF, BRCGS, FSMA 204's 24 hours) ask to see that the plant ran them,
-- how long the trace took and what it found. A drill is a record: kept, never edited.
CREATE TABLE recall_drills (
  id            INTEGER PRIMARY KEY,
  lot_code      TEXT NOT NULL,               -- the lot the drill started from
  user_name     TEXT NOT NULL,               -- who ran it
  started_at    TEXT NOT NULL,               -- ISO, server clock
  duration_ms   REAL NOT NULL,               -- from the click to the report, as the supervisor waited
  trace_ms      REAL NOT NULL,               -- the trace queries alone
  customers     INTEGER NOT NULL,            -- counts, for the list of past drills
  suppliers     INTEGER NOT NULL,
  shipments     INTEGER NOT NULL,
  lots          INTEGER NOT NULL,
  summary       TEXT NOT NULL                -- JSON: customers with contacts and shipments, suppliers with lot codes, mass balance
);
CREATE INDEX recall_drills_lot ON recall_drills(lot_code, started_at);
CREATE TRIGGER recall_drills_no_update BEFORE UPDATE ON recall_drills BEGIN SELECT RAISE(ABORT, 'recall drills are kept as run'); END;
CREATE TRIGGER recall_drills_no_delete BEFORE DELETE ON recall_drills BEGIN SELECT RAISE(ABORT, 'recall drills are kept as run'); END;

-- A station page shows the lot its station recorded last, and a dock its receipts of the day.
CREATE INDEX IF NOT EXISTS events_station ON events(station, id);
CREATE INDEX IF NOT EXISTS lots_event ON lots(event_id);
