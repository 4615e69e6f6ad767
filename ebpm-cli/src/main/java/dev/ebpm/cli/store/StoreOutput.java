package dev.ebpm.cli.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.output.Json;
import dev.ebpm.store.InstalledVersion;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/** How store commands print: aligned tables for people, JSON for scripts. */
final class StoreOutput {
    private StoreOutput() {
    }

    static ObjectMapper mapper() {
        return Json.mapper();
    }

    static void json(PrintStream out, Object value) {
        Json.print(out, value);
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String when(InstalledVersion v) {
        return v.installedAt() == null ? "-" : v.installedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** What install, pull and import did, as JSON. */
    static Map<String, Object> installed(dev.ebpm.store.InstallResult r, java.nio.file.Path store) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", r.id());
        m.put("already_installed", r.alreadyInstalled());
        m.put("blobs_written", r.blobsWritten());
        m.put("bytes_written", r.bytesWritten());
        m.put("store", store.toString());
        return m;
    }

    static Map<String, Object> installRecord(InstalledVersion v) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("installed_at", v.installedAt() == null ? null : v.installedAt().toString());
        m.put("source", v.source() == null ? null : Map.of("kind", v.source().kind().id(), "location", v.source().location()));
        m.put("signature", v.signatureStatus());
        m.put("allow_unsigned", v.allowUnsigned());
        return m;
    }
}
