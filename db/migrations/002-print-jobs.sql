-- Every label is a job stored here before a byte goes to a printer. Unlike events, a job's
-- status moves on (queued → sending → sent); its label bytes never change.
CREATE TABLE print_jobs (
  id              INTEGER PRIMARY KEY,
  printer         TEXT NOT NULL,               -- the station's printer name (its station code)
  station         TEXT,
  lot_code        TEXT,                        -- the lot the label is for
  template        TEXT NOT NULL,               -- case | pallet | receiving
  data            TEXT NOT NULL,               -- JSON given to the template: a reprint renders it again
  payload         BLOB NOT NULL,               -- exactly the bytes sent to the printer
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'uncertain', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at TEXT,
  reprint_of      INTEGER REFERENCES print_jobs(id),
  reprint_number  INTEGER,
  reason          TEXT,
  user_name       TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX print_jobs_queue ON print_jobs(printer, status, id);
CREATE INDEX print_jobs_lot ON print_jobs(lot_code);

-- A sent label stays sent, and its bytes are what was printed.
CREATE TRIGGER print_jobs_payload_fixed BEFORE UPDATE OF payload, data, template, printer ON print_jobs
  BEGIN SELECT RAISE(ABORT, 'a print job''s label cannot change: make a reprint'); END;
CREATE TRIGGER print_jobs_no_delete BEFORE DELETE ON print_jobs BEGIN SELECT RAISE(ABORT, 'print jobs are kept'); END;
