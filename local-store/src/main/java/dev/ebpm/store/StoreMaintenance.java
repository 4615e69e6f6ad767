package dev.ebpm.store;

import dev.ebpm.pkg.BlobDirectory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Checking and tidying the store: {@code cache verify [--repair]} and {@code gc}. From {@link LocalStore#maintenance()}. */
public final class StoreMaintenance {
    private final LocalStore store;
    private final Connection db;

    StoreMaintenance(LocalStore store) {
        this.store = store;
        this.db = store.connection();
    }

    /** Deletes blobs no installed version references and leftover temp files. */
    public GcReport gc() {
        synchronized (store) {
            try (Statement st = db.createStatement()) {
                LocalStore.begin(st);
                try {
                    Set<String> referenced = referencedDigests().keySet();
                    int deleted = 0;
                    long freed = 0;
                    for (String d : store.blobs().list()) {
                        if (!referenced.contains(d)) {
                            freed += store.blobs().delete(d);
                            deleted++;
                        }
                    }
                    int temps = store.blobs().deleteTempFiles();
                    return new GcReport(deleted, freed, temps);
                } finally {
                    store.rollback();
                }
            } catch (SQLException e) {
                throw store.translate(e);
            } catch (IOException e) {
                throw new StoreException("gc failed in " + store.root() + ": " + LocalStore.describe(e), e);
            }
        }
    }

    private record Reference(long size, Set<String> versions) {
    }

    /** digest -> expected size and the versions (name@version) using it. */
    private Map<String, Reference> referencedDigests() throws SQLException {
        Map<String, Reference> out = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT f.digest, f.size, p.name || '@' || v.version
                FROM files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id
                UNION ALL
                SELECT v.archive_sha256, v.archive_size, p.name || '@' || v.version
                FROM versions v JOIN packages p ON p.id = v.package_id WHERE v.archive_sha256 IS NOT NULL
                UNION ALL
                SELECT o.digest, o.size, p.name || '@' || v.version
                FROM oci_objects o JOIN versions v ON v.id = o.version_id JOIN packages p ON p.id = v.package_id""")) {
            while (rs.next()) {
                long size = rs.getLong(2);
                long known = rs.wasNull() ? -1 : size; // rows from before archive sizes were recorded
                out.computeIfAbsent(rs.getString(1), d -> new Reference(known, new LinkedHashSet<>())).versions().add(rs.getString(3));
            }
        }
        return out;
    }

    /** Checks the database and re-hashes every referenced blob; changes nothing. */
    public VerifyReport verify() {
        return verify(false);
    }

    /**
     * Checks the database and re-hashes every referenced blob. With {@code repair}, versions using a missing or corrupt
     * blob are removed from the store (so they can be reinstalled) and the corrupt blobs deleted.
     */
    public VerifyReport verify(boolean repair) {
        synchronized (store) {
            try {
                String dbCheck = databaseCheck();
                Map<String, Reference> refs = referencedDigests();
                List<VerifyReport.Problem> problems = new ArrayList<>();
                for (Map.Entry<String, Reference> e : refs.entrySet()) {
                    BlobDirectory.State s = store.blobs().verify(e.getKey(), e.getValue().size());
                    if (s != BlobDirectory.State.OK) {
                        problems.add(new VerifyReport.Problem(e.getKey(), s, List.copyOf(e.getValue().versions())));
                    }
                }
                int unreferenced = 0;
                for (String d : store.blobs().list()) if (!refs.containsKey(d)) unreferenced++;
                List<String> removed = List.of();
                if (repair && !problems.isEmpty()) removed = repair(problems);
                return new VerifyReport(dbCheck, refs.size(), problems, removed, unreferenced);
            } catch (SQLException e) {
                throw store.translate(e);
            } catch (IOException e) {
                throw new StoreException("verify failed in " + store.root() + ": " + LocalStore.describe(e), e);
            }
        }
    }

    private String databaseCheck() throws SQLException {
        List<String> issues = new ArrayList<>();
        try (Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                while (rs.next()) if (!"ok".equals(rs.getString(1))) issues.add(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
                while (rs.next()) issues.add("foreign key violation in table " + rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT p.name FROM packages p WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.package_id = p.id AND v.is_current = 1)")) {
                while (rs.next()) issues.add("package " + rs.getString(1) + " has no current version");
            }
        }
        return issues.isEmpty() ? "ok" : String.join("; ", issues);
    }

    private List<String> repair(List<VerifyReport.Problem> problems) throws SQLException, IOException {
        Set<String> versions = new LinkedHashSet<>();
        Set<String> bad = new LinkedHashSet<>();
        try (Statement st = db.createStatement()) {
            LocalStore.begin(st);
            try {
                // re-check under the lock: another process may have repaired or removed it meanwhile
                Map<String, Reference> refs = referencedDigests();
                for (VerifyReport.Problem p : problems) {
                    Reference r = refs.get(p.digest());
                    if (r == null || store.blobs().verify(p.digest(), r.size()) == BlobDirectory.State.OK) continue;
                    versions.addAll(r.versions());
                    bad.add(p.digest());
                }
                store.installs().removeVersions(versions);
                st.execute("COMMIT");
            } catch (SQLException | IOException | RuntimeException e) {
                store.rollback();
                throw e;
            }
        }
        for (String d : bad) store.blobs().delete(d);
        return List.copyOf(versions);
    }
}
