-- Who did what, when (server clock) and to what: events, master data, labels, pallets, and later
-- logins, exports and settings. Written in the same transaction as the change it records, so a
-- refused request leaves no entry and a recorded change never lacks one.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,            -- commit order: writes are serialised by the write lock
  at         TEXT NOT NULL,                  -- server clock (ISO)
  user_name  TEXT NOT NULL,
  station    TEXT,
  action     TEXT NOT NULL,                  -- event.receiving, product.create, label.reprint, pallet.build, login...
  subject    TEXT,                           -- what it acted on: event:812, product:FLOUR, lot:26329-DOCK1-0001, sscc:...
  event_id   INTEGER REFERENCES events(id),  -- set for an event's entry
  details    TEXT NOT NULL,                  -- JSON; for an event, digests of the rows it wrote (db/audit.ts)
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL                   -- sha256(prev_hash || canonical row): db/audit.ts
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_subject ON audit_log(subject, id);
CREATE INDEX audit_log_event ON audit_log(event_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Each event is chained to the one before it; events written before this migration are chained
-- by db/migrate.ts in the same transaction (their rows cannot change afterwards).
ALTER TABLE events ADD COLUMN prev_hash TEXT;
ALTER TABLE events ADD COLUMN hash TEXT;

-- The rows an event wrote are found by its id when it is sealed at commit and when `lotline
-- verify` checks them; without these each lookup would read the whole table.
CREATE INDEX lots_event_id ON lots(event_id);
CREATE INDEX batches_open_event_id ON batches(open_event_id);
CREATE INDEX shipments_event_id ON shipments(event_id);
CREATE INDEX voids_void_event_id ON voids(void_event_id);
