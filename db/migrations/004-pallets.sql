-- Logistic units we built: an SSCC for a count of cases of one lot. An SSCC is never reused.
CREATE TABLE pallets (
  id          INTEGER PRIMARY KEY,
  sscc        TEXT NOT NULL UNIQUE,
  lot_id      INTEGER NOT NULL REFERENCES lots(id),
  count       REAL NOT NULL,
  user_name   TEXT NOT NULL,
  station     TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX pallets_lot ON pallets(lot_id);
CREATE TRIGGER pallets_no_update BEFORE UPDATE ON pallets BEGIN SELECT RAISE(ABORT, 'pallets are append-only'); END;
CREATE TRIGGER pallets_no_delete BEFORE DELETE ON pallets BEGIN SELECT RAISE(ABORT, 'pallets are append-only'); END;

-- Which pallets left on which shipment: a pallet still here holds its cases for itself.
CREATE TABLE shipment_pallets (
  shipment_id INTEGER NOT NULL REFERENCES shipments(id),
  sscc        TEXT NOT NULL,
  PRIMARY KEY (shipment_id, sscc)
);
CREATE INDEX shipment_pallets_sscc ON shipment_pallets(sscc);
CREATE TRIGGER shipment_pallets_no_update BEFORE UPDATE ON shipment_pallets BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER shipment_pallets_no_delete BEFORE DELETE ON shipment_pallets BEGIN SELECT RAISE(ABORT, 'append-only'); END;
