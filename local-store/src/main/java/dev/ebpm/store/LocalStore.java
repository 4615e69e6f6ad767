package dev.ebpm.store;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.FileErrors;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * The local package store: metadata in SQLite ({@code store.db}, WAL, foreign keys on) and file contents in a
 * {@link BlobDirectory}. This class opens it (schema migrations, busy timeout) and hands out its tables by job:
 * {@link #packages()} (reads), {@link #installs()} (writes), {@link #maintenance()}, {@link #config()}, {@link #trust()},
 * {@link #runs()}. Every change that touches blobs runs inside a {@code BEGIN IMMEDIATE} transaction, so the SQLite
 * write lock also serializes blob writes against gc and uninstall across processes. Blobs are made durable before the
 * metadata that names them is committed; a crash at any point leaves at worst unreferenced blobs, which gc removes.
 * The tables synchronize on this handle; open one per process (one per command).
 */
public final class LocalStore implements AutoCloseable {
    public static final String DATABASE = "store.db";
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final Path root;
    private final Path database;
    private final Connection db;
    private final BlobDirectory blobs;

    private LocalStore(Path root, Path database, Connection db, BlobDirectory blobs) {
        this.root = root;
        this.database = database;
        this.db = db;
        this.blobs = blobs;
    }

    /** Opens (creating if needed) the store at {@code root}, with the busy timeout from {@code EBPM_BUSY_TIMEOUT_MS} or 10 s. */
    public static LocalStore open(Path root) {
        String ms = System.getenv("EBPM_BUSY_TIMEOUT_MS");
        return open(root, ms == null ? DEFAULT_BUSY_TIMEOUT : Duration.ofMillis(Long.parseLong(ms)));
    }

    public static LocalStore open(Path root, Duration busyTimeout) {
        Path dir = root.toAbsolutePath().normalize();
        Path dbFile = dir.resolve(DATABASE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failed(dir, "cannot create store directory " + dir, e);
        }
        checkWritable(dir);
        ownerOnly(dbFile);
        Connection c;
        try {
            SQLiteConfig cfg = new SQLiteConfig();
            cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
            // the driver itself, not DriverManager: that would first scan the class path for every JDBC driver
            c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + dbFile, cfg.toProperties());
        } catch (SQLException e) {
            throw translate(dir, dbFile, e);
        }
        LocalStore store = new LocalStore(dir, dbFile, c, new BlobDirectory(dir, CrashHook::reach));
        try {
            store.initialize();
            return store;
        } catch (RuntimeException e) {
            store.closeQuietly();
            throw e;
        }
    }

    private void initialize() {
        try (Statement st = db.createStatement()) {
            // check the version before writing anything: a newer schema must stay untouched
            int version = userVersion(st);
            if (version > Migrations.LATEST) {
                throw new StoreException("store schema v" + version + " is newer than this ebpm (v" + Migrations.LATEST + "); upgrade ebpm (store: " + root + ")");
            }
            st.execute("PRAGMA journal_mode = WAL");
            // FULL: a commit is durable once it returns, not just consistent
            st.execute("PRAGMA synchronous = FULL");
            st.execute("PRAGMA foreign_keys = ON");
            if (version < Migrations.LATEST) {
                begin(st);
                try {
                    int now = userVersion(st);
                    if (now > Migrations.LATEST) {
                        throw new StoreException("store schema v" + now + " is newer than this ebpm (v" + Migrations.LATEST + "); upgrade ebpm (store: " + root + ")");
                    }
                    Migrations.apply(db, now);
                    if (now == 0) {
                        try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta(key, value) VALUES ('created_at', ?)")) {
                            ps.setString(1, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                            ps.executeUpdate();
                        }
                    }
                    st.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    rollback();
                    throw e;
                }
            }
            blobs.create();
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw failed(root, "cannot create blob directories in " + root, e);
        }
    }

    /**
     * store.db holds run arguments and the trust settings: only its owner reads it (0600; SQLite gives its -wal and -shm
     * files the same mode). Made so before SQLite creates it, and tightened on a store made by an older ebpm.
     */
    private static void ownerOnly(Path dbFile) {
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString("rw-------");
        try {
            if (!Files.exists(dbFile)) {
                try {
                    Files.createFile(dbFile, PosixFilePermissions.asFileAttribute(mode));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another ebpm made it a moment ago, with the same mode
                }
            } else if (!Files.getPosixFilePermissions(dbFile).equals(mode)) {
                try {
                    Files.setPosixFilePermissions(dbFile, mode);
                } catch (java.nio.file.FileSystemException notOwner) {
                    // only its owner may change a file's mode: another user's store keeps the one it has
                }
            }
        } catch (IOException e) {
            throw failed(dbFile.getParent(), "cannot create store database " + dbFile, e);
        }
    }

    private static int userVersion(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void checkWritable(Path dir) {
        // Files.isWritable says yes to root even on a read-only mount or immutable directory; try it instead
        try {
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            if (FileErrors.isDiskFull(e)) throw new StoreException(FileErrors.diskFull(dir), e);
            throw new StoreException("store directory " + dir + " is not writable (" + describe(e) + "); use --store or EBPM_HOME to pick another", e);
        }
    }

    public Path root() {
        return root;
    }

    public BlobDirectory blobs() {
        return blobs;
    }

    /** The runs table: programs started with {@code ebpm run -d}. */
    public RunTable runs() {
        return new RunTable(this);
    }

    /** For {@link RunTable}: the connection, and the store's lock to hold while using it. */
    Connection connection() {
        return db;
    }

    StoreException translate(SQLException e) {
        return translate(root, database, e);
    }

    /** What is installed (reads). */
    public InstalledPackages packages() {
        return new InstalledPackages(this);
    }

    /** Install and uninstall (writes). */
    public InstallWriter installs() {
        return new InstallWriter(this);
    }

    /** verify, repair and gc. */
    public StoreMaintenance maintenance() {
        return new StoreMaintenance(this);
    }

    /** Small settings by key. */
    public ConfigTable config() {
        return new ConfigTable(this);
    }

    /** Keys, revocations and hub index freshness. */
    public TrustedKeys trust() {
        return new TrustedKeys(this, db);
    }

    /** One write statement in its own transaction (autocommit). */
    void write(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    public synchronized int schemaVersion() {
        try (Statement st = db.createStatement()) {
            return userVersion(st);
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    static void begin(Statement st) throws SQLException {
        st.execute("BEGIN IMMEDIATE");
    }

    void rollback() {
        try (Statement st = db.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction open (already committed or never begun)
        }
    }

    static StoreException translate(Path root, Path dbFile, SQLException e) {
        int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xff : e.getErrorCode() & 0xff;
        String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return switch (code) {
            case 5, 6 -> new StoreBusyException("store " + root + " is busy (another ebpm holds the lock); try again", e);
            case 11, 26 -> new StoreException("store database " + dbFile + " is corrupted (" + msg
                    + "); it was left untouched: move it aside to start a fresh store, blobs stay in " + root.resolve("blobs"), e);
            case 8 -> new StoreException("store database " + dbFile + " is read-only (" + msg + "); use --store or EBPM_HOME to pick a writable store", e);
            case 14 -> new StoreException("cannot open store database " + dbFile + " (" + msg + ")", e);
            case 13 -> new StoreException(FileErrors.diskFull(root), e);
            // a full disk shows as an I/O error when SQLite cannot grow its shared-memory (-shm) or journal file
            case 10 -> lowOnSpace(root) ? new StoreException(FileErrors.diskFull(root), e) : new StoreException("store database " + dbFile + ": " + msg, e);
            default -> new StoreException("store database " + dbFile + ": " + msg, e);
        };
    }

    static String describe(IOException e) {
        return FileErrors.reason(e);
    }

    /** A file operation in the store that failed: {@code what} and why, or the disk-full message, one line. */
    static StoreException failed(Path root, String what, IOException e) {
        return new StoreException(FileErrors.isDiskFull(e) ? FileErrors.diskFull(root) : what + ": " + FileErrors.reason(e), e);
    }

    /** Less free space than SQLite grows a file by at once (32 KiB shared memory, a page of journal) and then some. */
    private static boolean lowOnSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace() < (1 << 20);
        } catch (IOException e) {
            return false;
        }
    }

    private void closeQuietly() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing after a failed open
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }
}
