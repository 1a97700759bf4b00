-- Every scan a station received, whatever became of it: the floor's own log.
CREATE TABLE scans (
  id           TEXT PRIMARY KEY,              -- scan id: a replay with the same id records nothing twice
  station      TEXT NOT NULL,
  source       TEXT NOT NULL CHECK (source IN ('serial', 'keyboard', 'api')),
  raw          TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  outcome      TEXT NOT NULL,                 -- pending, question, recorded, refused, repeat, duplicate
  message      TEXT NOT NULL,
  result       TEXT NOT NULL                  -- the JSON answer given for this scan
);
CREATE INDEX scans_station ON scans(station, received_at);
CREATE TRIGGER scans_no_update BEFORE UPDATE ON scans BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;

-- What a station is in the middle of (open batch, shipment being loaded, a scan awaiting the
-- operator's confirmation). Working state, not history: it changes as the operator works.
CREATE TABLE station_state (
  station     TEXT PRIMARY KEY,
  state       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- A supplier's GTIN mapped to one of our products (an ingredient may come from several suppliers).
CREATE TABLE gtin_map (
  gtin        TEXT PRIMARY KEY,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  user_name   TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
