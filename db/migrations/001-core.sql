-- Master data. Rows here may be added; products and partners keep their id for ever because
-- events refer to them.
CREATE TABLE products (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,        -- item number an integrator uses (ERP SKU)
  name            TEXT NOT NULL,
  gtin            TEXT UNIQUE,                 -- GTIN-14, check digit verified by the domain
  unit            TEXT NOT NULL,               -- unit of measure lots of this product are counted in
  shelf_life_days INTEGER,
  ftl             INTEGER NOT NULL DEFAULT 0,  -- on FDA's Food Traceability List
  brand           TEXT,
  commodity       TEXT,
  variety         TEXT,
  pack_size       TEXT,
  pack_style      TEXT,
  net_weight_kg   REAL,                        -- per case, for case labels (310n)
  created_at      TEXT NOT NULL
);

CREATE TABLE partners (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,            -- short code an integrator uses (ERP vendor / customer id)
  role        TEXT NOT NULL CHECK (role IN ('supplier', 'customer', 'both')),
  name        TEXT NOT NULL,                   -- business name
  contact     TEXT,
  email       TEXT,
  phone       TEXT,
  address     TEXT,
  city        TEXT,
  state       TEXT,
  zip         TEXT,
  country     TEXT,
  gln         TEXT,
  created_at  TEXT NOT NULL
);

-- The plant's own places: docks, lines, warehouses. Their address is the plant's.
CREATE TABLE locations (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,            -- short, goes into lot numbers ({STATION})
  kind        TEXT NOT NULL CHECK (kind IN ('dock', 'line', 'warehouse', 'other')),
  name        TEXT NOT NULL,
  gln         TEXT,
  created_at  TEXT NOT NULL
);

-- Sequences behind lot numbers and SSCCs. `last` only ever grows.
CREATE TABLE sequences (
  scope  TEXT PRIMARY KEY,
  last   INTEGER NOT NULL
);

-- Every record of what happened. Append-only: a mistake is corrected by a new event.
CREATE TABLE events (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('receiving', 'batch_open', 'batch_input', 'batch_close', 'shipping', 'adjustment', 'void')),
  occurred_at       TEXT NOT NULL,             -- business date/time the user gave (ISO)
  recorded_at       TEXT NOT NULL,             -- server clock when committed
  user_name         TEXT NOT NULL,
  station           TEXT,
  location_id       INTEGER REFERENCES locations(id),
  partner_id        INTEGER REFERENCES partners(id),
  ref_doc_type      TEXT,
  ref_doc_number    TEXT,
  batch_id          INTEGER REFERENCES batches(id),
  shipment_id       INTEGER REFERENCES shipments(id),
  corrects_event_id INTEGER REFERENCES events(id),
  reason            TEXT,
  note              TEXT,
  request_id        TEXT UNIQUE               -- idempotency key: a replayed request records nothing twice
);
CREATE INDEX events_batch ON events(batch_id);
CREATE INDEX events_shipment ON events(shipment_id);
CREATE INDEX events_corrects ON events(corrects_event_id);

-- A void names the event it cancels; the primary key makes a second void of the same event fail.
CREATE TABLE voids (
  event_id      INTEGER PRIMARY KEY REFERENCES events(id),
  void_event_id INTEGER NOT NULL REFERENCES events(id)
);

-- A lot is an identified quantity of one product. Its quantities live in movements.
CREATE TABLE lots (
  id                 INTEGER PRIMARY KEY,
  code               TEXT NOT NULL UNIQUE,     -- our lot number, GS1 (10)
  product_id         INTEGER NOT NULL REFERENCES products(id),
  unit               TEXT NOT NULL,
  origin             TEXT NOT NULL CHECK (origin IN ('received', 'produced')),
  event_id           INTEGER NOT NULL REFERENCES events(id),   -- the receiving or batch_close event
  batch_id           INTEGER REFERENCES batches(id),           -- set for produced lots
  supplier_id        INTEGER REFERENCES partners(id),
  supplier_lot_code  TEXT,                     -- the TLC the supplier assigned
  tlc_source         TEXT,                     -- TLC source location or reference
  production_date    TEXT,
  best_before        TEXT,
  expiry_date        TEXT,
  qc_status          TEXT CHECK (qc_status IN ('accepted', 'rejected')),
  qc_temperature_c   REAL,
  qc_note            TEXT,
  created_at         TEXT NOT NULL
);
CREATE INDEX lots_batch ON lots(batch_id);
CREATE INDEX lots_product ON lots(product_id);
CREATE INDEX lots_supplier_lot ON lots(supplier_lot_code);

-- A production run. Open while inputs are fed; closed by the batch_close event, which yields its lot.
CREATE TABLE batches (
  id             INTEGER PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,
  product_id     INTEGER NOT NULL REFERENCES products(id),
  line_id        INTEGER NOT NULL REFERENCES locations(id),
  open_event_id  INTEGER NOT NULL REFERENCES events(id),
  created_at     TEXT NOT NULL
);

CREATE TABLE shipments (
  id             INTEGER PRIMARY KEY,
  customer_id    INTEGER NOT NULL REFERENCES partners(id),
  ship_from_id   INTEGER NOT NULL REFERENCES locations(id),
  event_id       INTEGER NOT NULL REFERENCES events(id),
  created_at     TEXT NOT NULL
);

-- Quantity changes of lots, always in the lot's own unit (entered value and unit kept beside).
-- kind: received / produced add, consumed / shipped take, adjusted is signed.
CREATE TABLE movements (
  id               INTEGER PRIMARY KEY,
  event_id         INTEGER NOT NULL REFERENCES events(id),
  lot_id           INTEGER NOT NULL REFERENCES lots(id),
  kind             TEXT NOT NULL CHECK (kind IN ('received', 'produced', 'consumed', 'shipped', 'adjusted')),
  quantity         REAL NOT NULL,
  entered_quantity REAL NOT NULL,
  entered_unit     TEXT NOT NULL,
  batch_id         INTEGER REFERENCES batches(id),
  shipment_id      INTEGER REFERENCES shipments(id)
);
CREATE INDEX movements_lot ON movements(lot_id, kind);
CREATE INDEX movements_batch ON movements(batch_id, kind);
CREATE INDEX movements_event ON movements(event_id);
CREATE INDEX movements_shipment ON movements(shipment_id);

-- History cannot be edited, by the application or by anyone with a SQL prompt.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a correction instead'); END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a correction instead'); END;
CREATE TRIGGER lots_no_update BEFORE UPDATE ON lots BEGIN SELECT RAISE(ABORT, 'lots are append-only: record a correction instead'); END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots BEGIN SELECT RAISE(ABORT, 'lots are append-only: record a correction instead'); END;
CREATE TRIGGER voids_no_update BEFORE UPDATE ON voids BEGIN SELECT RAISE(ABORT, 'voids are append-only'); END;
CREATE TRIGGER voids_no_delete BEFORE DELETE ON voids BEGIN SELECT RAISE(ABORT, 'voids are append-only'); END;
CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END;
CREATE TRIGGER shipments_no_update BEFORE UPDATE ON shipments BEGIN SELECT RAISE(ABORT, 'shipments are append-only'); END;
CREATE TRIGGER shipments_no_delete BEFORE DELETE ON shipments BEGIN SELECT RAISE(ABORT, 'shipments are append-only'); END;
CREATE TRIGGER sequences_only_grow BEFORE UPDATE ON sequences WHEN NEW.last < OLD.last BEGIN SELECT RAISE(ABORT, 'sequences never go back'); END;

-- Effective (not voided) quantity changes, and the lineage edges a trace walks.
CREATE VIEW live_movements AS
  SELECT m.* FROM movements m WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = m.event_id);

CREATE VIEW lot_edges AS
  SELECT m.lot_id AS from_lot, o.id AS to_lot, m.batch_id, m.event_id, m.quantity, m.entered_quantity, m.entered_unit
  FROM movements m
  JOIN lots o ON o.batch_id = m.batch_id
  WHERE m.kind = 'consumed'
    AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = m.event_id)
    AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.event_id = o.event_id);
