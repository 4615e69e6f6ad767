package dev.ebpm.hub;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code DATA/hub.db}: the SQLite schema (publishers, tokens, publisher keys, packages, owners, blobs, versions and their
 * download counts, the last index signature) and its one connection. Every statement runs under this object's lock, so the store's parts share
 * the connection safely; {@link #transaction} makes a group of writes all-or-nothing.
 */
final class HubDatabase implements AutoCloseable {
    static final String FILE = "hub.db";

    private static final String[] SCHEMA_1 = {
        "CREATE TABLE publishers(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
        "CREATE TABLE tokens(id INTEGER PRIMARY KEY, publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " token_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
        "CREATE TABLE packages(name TEXT PRIMARY KEY, created_at TEXT NOT NULL)",
        "CREATE TABLE owners(package TEXT NOT NULL REFERENCES packages(name), publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " PRIMARY KEY(package, publisher_id))",
        "CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at TEXT NOT NULL)",
        "CREATE TABLE versions(package TEXT NOT NULL REFERENCES packages(name), version TEXT NOT NULL,"
                + " sha256 TEXT NOT NULL REFERENCES blobs(sha256), size INTEGER NOT NULL, kind TEXT NOT NULL,"
                + " entry TEXT NOT NULL, entry_sha256 TEXT NOT NULL REFERENCES blobs(sha256), manifest TEXT NOT NULL,"
                + " yanked INTEGER NOT NULL DEFAULT 0, signature TEXT, publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " published_at TEXT NOT NULL, PRIMARY KEY(package, version))",
    };

    /** Version 2: publishers' signing keys, and the last signed index (version counter, digest, expiry, envelope). */
    private static final String[] SCHEMA_2 = {
        "CREATE TABLE publisher_keys(publisher_id INTEGER NOT NULL REFERENCES publishers(id), fingerprint TEXT NOT NULL,"
                + " public_key BLOB NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY(publisher_id, fingerprint))",
        "CREATE TABLE index_signature(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, index_sha256 TEXT NOT NULL,"
                + " expires_at TEXT NOT NULL, envelope TEXT NOT NULL)",
    };

    /** Version 3: how often each version's archive was downloaded ({@link DownloadCounter}). */
    private static final String[] SCHEMA_3 = {
        "ALTER TABLE versions ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0",
    };

    /** Each version's statements, from version 1 on: a database at version N runs those after it. */
    private static final List<String[]> MIGRATIONS = List.of(SCHEMA_1, SCHEMA_2, SCHEMA_3);
    private static final int SCHEMA_VERSION = MIGRATIONS.size();

    /** Reads one row into a value. */
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** A group of statements run in one transaction. */
    interface Work<T> {
        T run() throws SQLException;
    }

    private final Path file;
    private final Connection db;

    private HubDatabase(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating or upgrading the schema) {@code dataDir/hub.db}. */
    static HubDatabase open(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            HubDatabase d = new HubDatabase(file, DriverManager.getConnection("jdbc:sqlite:" + file));
            d.migrate();
            return d;
        } catch (SQLException e) {
            throw new HubStorageException("cannot open the hub database " + file + ": " + e.getMessage(), e);
        }
    }

    private void migrate() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA foreign_keys=ON");
            st.execute("PRAGMA busy_timeout=10000");
            int version;
            try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new HubStorageException(file + " has schema version " + version + "; this hub knows versions 1 to " + SCHEMA_VERSION);
            }
            if (version == SCHEMA_VERSION) return;
            transaction(() -> {
                for (String[] step : MIGRATIONS.subList(version, SCHEMA_VERSION)) for (String s : step) st.execute(s);
                st.execute("PRAGMA user_version=" + SCHEMA_VERSION);
                return null;
            });
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    synchronized <T> T transaction(Work<T> work) {
        try {
            db.setAutoCommit(false);
            try {
                T result = work.run();
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    synchronized void update(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** The id of the row just inserted on this connection. */
    synchronized long lastInsertId() {
        return first("SELECT last_insert_rowid()", r -> r.getLong(1)).orElseThrow();
    }

    synchronized boolean exists(String sql, Object... args) {
        return first(sql, r -> Boolean.TRUE, args).isPresent();
    }

    synchronized <T> Optional<T> first(String sql, RowReader<T> reader, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    synchronized <T> List<T> all(String sql, RowReader<T> reader, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(reader.read(rs));
            return out;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        return ps;
    }

    private HubStorageException failed(SQLException e) {
        return new HubStorageException("hub database " + file + ": " + e.getMessage(), e);
    }

    /** Now, as the database stores times: UTC, whole seconds. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failed(e);
        }
    }
}
