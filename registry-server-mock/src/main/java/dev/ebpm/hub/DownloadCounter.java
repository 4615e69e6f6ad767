package dev.ebpm.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How often each version's archive was downloaded: counted in memory as the downloads are served (a database write
 * per download would cost the blob endpoint most of its throughput) and added to {@code versions.downloads} by
 * {@link #flush}, which the server runs every few seconds and the store at close. A kill -9 loses the counts since
 * the last flush, nothing else.
 */
final class DownloadCounter {
    /** One version's count: its total, and what of it is not yet in the database. */
    private static final class Tally {
        final AtomicLong total;
        final AtomicLong unsaved = new AtomicLong();

        Tally(long stored) {
            total = new AtomicLong(stored);
        }
    }

    private final HubDatabase db;
    /** package → version → tally */
    private final Map<String, Map<String, Tally>> tallies = new ConcurrentHashMap<>();

    DownloadCounter(HubDatabase db) {
        this.db = db;
        for (Object[] r : db.all("SELECT package, version, downloads FROM versions WHERE downloads > 0",
                rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)})) {
            tally((String) r[0], (String) r[1], (Long) r[2]);
        }
    }

    void count(String pkg, String version) {
        Tally t = tally(pkg, version, 0);
        t.total.incrementAndGet();
        t.unsaved.incrementAndGet();
    }

    long ofPackage(String pkg) {
        Map<String, Tally> versions = tallies.get(pkg);
        if (versions == null) return 0;
        long n = 0;
        for (Tally t : versions.values()) n += t.total.get();
        return n;
    }

    long ofVersion(String pkg, String version) {
        Map<String, Tally> versions = tallies.get(pkg);
        Tally t = versions == null ? null : versions.get(version);
        return t == null ? 0 : t.total.get();
    }

    /** Adds the counts not yet stored to the database, in one transaction; on failure they stay for the next flush. */
    synchronized void flush() {
        record Delta(String pkg, String version, Tally tally, long n) {}
        List<Delta> deltas = new ArrayList<>();
        tallies.forEach((pkg, versions) -> versions.forEach((version, t) -> {
            long n = t.unsaved.getAndSet(0);
            if (n > 0) deltas.add(new Delta(pkg, version, t, n));
        }));
        if (deltas.isEmpty()) return;
        try {
            db.transaction(() -> {
                for (Delta d : deltas) {
                    db.update("UPDATE versions SET downloads = downloads + ? WHERE package=? AND version=?", d.n(), d.pkg(), d.version());
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (Delta d : deltas) d.tally().unsaved.addAndGet(d.n());
            throw e;
        }
    }

    private Tally tally(String pkg, String version, long stored) {
        return tallies.computeIfAbsent(pkg, k -> new ConcurrentHashMap<>()).computeIfAbsent(version, k -> new Tally(stored));
    }
}
