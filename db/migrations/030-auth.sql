-- People who log in. Supervisors and admins use a password; operators a badge or a PIN at a kiosk.
CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
  password_hash  TEXT,                -- scrypt, for supervisors and admins
  pin_hash       TEXT,                -- keyed hash (HMAC with the server's pepper), for operators
  badge_hash     TEXT UNIQUE,         -- keyed hash of the badge's barcode
  demo           INTEGER NOT NULL DEFAULT 0,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL
);
-- A PIN identifies its operator, so no two operators share one.
CREATE UNIQUE INDEX users_pin ON users(pin_hash);

-- Registered kiosks (touchscreen PCs) and integration tokens: only a hash of the secret is kept.
CREATE TABLE credentials (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('kiosk', 'api')),
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin', 'integration')),
  station     TEXT,                    -- a kiosk's station
  token_hash  TEXT NOT NULL UNIQUE,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,       -- sha256 of the cookie value
  user_id      INTEGER NOT NULL REFERENCES users(id),
  kiosk_id     INTEGER REFERENCES credentials(id),
  csrf_secret  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);

-- Failed logins per account or kiosk and per address: slows and then locks out guessing.
CREATE TABLE login_failures (
  key          TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  locked_until TEXT,
  last_at      TEXT NOT NULL
);

-- One-time secrets such as the first-admin setup link.
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
