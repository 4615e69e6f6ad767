package dev.ebpm.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema changes. The schema version is SQLite's {@code user_version}, updated in the same transaction as
 * the change, so a migration is applied entirely or not at all. Append new steps; never edit a released one.
 */
public final class Migrations {

    record Step(int version, String description, List<String> sql) {
    }

    static final List<Step> STEPS = List.of(
            new Step(1, "packages, versions, files, installs, hubs, keys, config", List.of(
                    """
                    CREATE TABLE meta (
                      key   TEXT PRIMARY KEY,
                      value TEXT NOT NULL
                    )""",
                    """
                    CREATE TABLE config (
                      key   TEXT PRIMARY KEY,
                      value TEXT NOT NULL
                    )""",
                    """
                    CREATE TABLE packages (
                      id   INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE
                    )""",
                    """
                    CREATE TABLE versions (
                      id              INTEGER PRIMARY KEY,
                      package_id      INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
                      version         TEXT NOT NULL,
                      sort_key        TEXT NOT NULL, -- VersionSortKey: byte order = semver precedence
                      kind            TEXT NOT NULL,
                      description     TEXT,
                      total_size      INTEGER NOT NULL,
                      file_count      INTEGER NOT NULL,
                      manifest_json   BLOB NOT NULL,
                      manifest_sha256 TEXT NOT NULL,
                      archive_sha256  TEXT,
                      archive_size    INTEGER,
                      is_current      INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
                      UNIQUE (package_id, version)
                    )""",
                    "CREATE UNIQUE INDEX versions_one_current ON versions(package_id) WHERE is_current = 1",
                    "CREATE INDEX versions_archive ON versions(archive_sha256) WHERE archive_sha256 IS NOT NULL",
                    """
                    CREATE TABLE files (
                      version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                      path       TEXT NOT NULL,
                      digest     TEXT NOT NULL,
                      size       INTEGER NOT NULL,
                      PRIMARY KEY (version_id, path)
                    ) WITHOUT ROWID""",
                    "CREATE INDEX files_digest ON files(digest)",
                    """
                    CREATE TABLE installs (
                      version_id       INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
                      installed_at     INTEGER NOT NULL, -- unix epoch milliseconds, UTC
                      source_kind      TEXT NOT NULL,
                      source           TEXT NOT NULL,
                      signature_status TEXT NOT NULL,
                      allow_unsigned   INTEGER NOT NULL DEFAULT 0
                    )""",
                    """
                    CREATE TABLE hubs (
                      name     TEXT PRIMARY KEY,
                      url      TEXT NOT NULL,
                      priority INTEGER NOT NULL DEFAULT 0,
                      settings TEXT NOT NULL DEFAULT '{}'
                    )""",
                    """
                    CREATE TABLE keys (
                      fingerprint TEXT PRIMARY KEY,
                      hub         TEXT REFERENCES hubs(name) ON DELETE CASCADE,
                      public_key  BLOB NOT NULL,
                      added_at    TEXT NOT NULL,
                      revoked     INTEGER NOT NULL DEFAULT 0
                    )""")),
            new Step(2, "runs, for the run lifecycle", List.of(
                    """
                    CREATE TABLE runs (
                      id         TEXT PRIMARY KEY,
                      package    TEXT NOT NULL,
                      version    TEXT NOT NULL,
                      args       TEXT NOT NULL DEFAULT '[]',
                      pid        INTEGER,
                      started_at TEXT NOT NULL,
                      ended_at   TEXT,
                      state      TEXT NOT NULL,
                      exit_code  INTEGER,
                      log_path   TEXT
                    )""",
                    "CREATE INDEX runs_state ON runs(state)")),
            new Step(3, "runs: owner, kind, attach points, signal, error", List.of(
                    "ALTER TABLE runs ADD COLUMN uid INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'bpf'",
                    "ALTER TABLE runs ADD COLUMN attach_points TEXT NOT NULL DEFAULT '[]'",
                    "ALTER TABLE runs ADD COLUMN signal TEXT",
                    "ALTER TABLE runs ADD COLUMN error TEXT")),
            new Step(4, "trust: keys trusted per source, revoked keys, hub index freshness, signatures of installs", List.of(
                    // v1's keys table was never written; it allowed one source per key and tied keys to a hubs table
                    // the hub client does not use (hubs live in config/hubs.json)
                    "DROP TABLE keys",
                    """
                    CREATE TABLE trusted_keys (
                      fingerprint TEXT NOT NULL,    -- sha256 of the raw Ed25519 public key, hex
                      source      TEXT NOT NULL,    -- a hub name, or '*' for every hub and for files/URLs
                      public_key  BLOB NOT NULL,    -- 32 raw bytes
                      name        TEXT NOT NULL DEFAULT '',
                      origin      TEXT NOT NULL,    -- 'user' (ebpm key trust), 'tofu' (hub add --trust-on-first-use)
                      added_at    INTEGER NOT NULL, -- unix epoch milliseconds
                      PRIMARY KEY (fingerprint, source)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE revoked_keys (
                      fingerprint TEXT PRIMARY KEY,
                      revoked_at  INTEGER NOT NULL,
                      reason      TEXT
                    )""",
                    """
                    CREATE TABLE hub_index_state (
                      hub          TEXT PRIMARY KEY, -- the hub's URL: the same hub under another name is the same state
                      version      INTEGER NOT NULL, -- highest verified index version
                      index_sha256 TEXT NOT NULL,
                      expires_at   TEXT NOT NULL,
                      verified_at  INTEGER NOT NULL
                    )""",
                    "ALTER TABLE installs ADD COLUMN signature TEXT", // the package signature envelope (JSON), or null
                    "ALTER TABLE installs ADD COLUMN trust_source TEXT")),
            new Step(5, "runs: the runner's process start, so that a reused pid is never taken for it", List.of(
                    // "BOOT_ID:STARTTIME" (boot id, and start time in clock ticks from /proc/PID/stat): fixed at fork,
                    // unchanged by exec, different for any later process with the same pid
                    "ALTER TABLE runs ADD COLUMN pid_start TEXT")),
            new Step(6, "oci_objects: the OCI objects a version was pulled as, kept by digest for export and offline use", List.of(
                    """
                    CREATE TABLE oci_objects (
                      version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                      digest     TEXT NOT NULL,    -- sha256 hex: a blob of the store
                      media_type TEXT NOT NULL,
                      size       INTEGER NOT NULL,
                      role       TEXT NOT NULL,    -- index, manifest, blob, referrer
                      PRIMARY KEY (version_id, digest)
                    ) WITHOUT ROWID""",
                    "CREATE INDEX oci_objects_digest ON oci_objects(digest)")),
            new Step(7, "runs: restart policy, and how often the daemon restarted the run", List.of(
                    "ALTER TABLE runs ADD COLUMN restart TEXT NOT NULL DEFAULT 'no'", // no, always, on-failure
                    "ALTER TABLE runs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0")));

    /** The schema version this build writes. */
    public static final int LATEST = STEPS.get(STEPS.size() - 1).version();

    private Migrations() {
    }

    /** Applies every step above {@code from}; the caller holds a write transaction. */
    static void apply(Connection c, int from) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (Step step : STEPS) {
                if (step.version() <= from) continue;
                for (String sql : step.sql()) st.execute(sql);
                st.execute("PRAGMA user_version = " + step.version());
            }
        }
    }
}
