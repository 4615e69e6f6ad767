package dev.ebpm.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ebpm.hub.catalog.Catalog;
import dev.ebpm.hub.catalog.CatalogPackage;
import dev.ebpm.hub.catalog.CatalogVersion;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the hub's readers see, built from the database after each write and then replaced whole: the index
 * document, one document per package, the static (eunomia/LMP) layout's files, and the catalog the pages and the
 * search endpoint read. Readers never touch the database and never see a half-committed publish.
 *
 * @param index       {@code /index.json}
 * @param packages    {@code /index/<name>.json}, by name
 * @param staticFiles {@code <name>/package.json} or {@code <name>/app.wasm} of each package's current version
 * @param entries     the trees of {@code packages}' documents, by name (the search endpoint serves them)
 */
public record ReadSnapshot(Document index, Map<String, Document> packages, Map<String, StaticFile> staticFiles,
                           Map<String, Map<String, Object>> entries, Catalog catalog) {
    /** What {@code "protocol"} says in the index. */
    public static final int PROTOCOL = 1;

    /** Sorted keys: the same index has the same bytes, hence the same ETag and signature. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** A JSON document and its strong ETag (a digest of the bytes). */
    public record Document(byte[] json, String etag) {
        static Document of(Object tree) {
            byte[] json = toJson(tree);
            return new Document(json, "\"" + Digests.sha256Hex(json).substring(0, 32) + "\"");
        }
    }

    /** One file of the static layout: the blob holding it, its size and content type, and the version it is from. */
    public record StaticFile(String sha256, long size, String contentType, String version) {}

    private record Row(String pkg, Version version, String sha256, long size, String kind, String entry, String entrySha,
                       PackageManifest manifest, boolean yanked, String signature, String publishedAt, String publisher) {}

    static ReadSnapshot load(HubDatabase db) {
        Map<String, List<Row>> byName = new TreeMap<>();
        for (Row r : db.all("SELECT v.package, v.version, v.sha256, v.size, v.kind, v.entry, v.entry_sha256, v.manifest, v.yanked,"
                + " v.signature, v.published_at, p.name FROM versions v JOIN publishers p ON p.id=v.publisher_id",
                rs -> new Row(rs.getString(1), Version.parse(rs.getString(2)), rs.getString(3), rs.getLong(4),
                rs.getString(5), rs.getString(6), rs.getString(7), PackageManifest.parse(rs.getString(8).getBytes(StandardCharsets.UTF_8)),
                rs.getInt(9) != 0, rs.getString(10), rs.getString(11), rs.getString(12)))) {
            byName.computeIfAbsent(r.pkg(), k -> new ArrayList<>()).add(r);
        }
        Map<String, List<String>> owners = new HashMap<>();
        for (String[] o : db.all("SELECT o.package, p.name FROM owners o JOIN publishers p ON p.id=o.publisher_id ORDER BY p.name",
                rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            owners.computeIfAbsent(o[0], k -> new ArrayList<>()).add(o[1]);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, Document> docs = new HashMap<>();
        Map<String, StaticFile> statics = new HashMap<>();
        List<CatalogPackage> catalog = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byName.entrySet()) {
            List<Row> rows = e.getValue();
            rows.sort(Comparator.comparing(Row::version));
            Row current = null;
            for (Row r : rows) if (!r.yanked()) current = r;
            // package metadata comes from the current version; with every version yanked, from the newest
            Row about = current != null ? current : rows.get(rows.size() - 1);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", e.getKey());
            p.put("description", about.manifest().description());
            p.put("keywords", about.manifest().keywords());
            p.put("license", about.manifest().license());
            p.put("homepage", about.manifest().homepage());
            p.put("owners", owners.getOrDefault(e.getKey(), List.of()));
            List<Map<String, Object>> versions = new ArrayList<>();
            for (Row r : rows) versions.add(versionJson(r));
            p.put("versions", versions);
            all.add(p);
            docs.put(e.getKey(), Document.of(p));
            catalog.add(new CatalogPackage(e.getKey(), owners.getOrDefault(e.getKey(), List.of()),
                    rows.stream().map(ReadSnapshot::catalogVersion).toList()));
            if (current != null) {
                boolean wasm = PackageKind.parse(current.kind()) == PackageKind.WASM;
                long size = current.manifest().files().get(current.entry()).size();
                statics.put(e.getKey() + "/" + (wasm ? "app.wasm" : "package.json"),
                        new StaticFile(current.entrySha(), size, wasm ? "application/wasm" : "application/json", current.version().toString()));
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("protocol", PROTOCOL);
        index.put("packages", all);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        for (Map<String, Object> p : all) entries.put((String) p.get("name"), p);
        return new ReadSnapshot(Document.of(index), Map.copyOf(docs), Map.copyOf(statics), Map.copyOf(entries), new Catalog(catalog));
    }

    private static CatalogVersion catalogVersion(Row r) {
        SignatureEnvelope signature;
        try {
            signature = r.signature() == null ? null : SignatureEnvelope.parse(r.signature());
        } catch (TrustException e) {
            throw new HubStorageException("hub database: the stored signature of " + r.pkg() + "@" + r.version() + " does not parse: " + e.getMessage(), e);
        }
        return new CatalogVersion(r.version(), r.sha256(), r.size(), PackageKind.parse(r.kind()), r.entry(), r.entrySha(), r.manifest(),
                r.yanked(), signature, r.publisher(), r.publishedAt());
    }

    private static Map<String, Object> versionJson(Row r) {
        PackageManifest m = r.manifest();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", r.version().toString());
        v.put("sha256", r.sha256());
        v.put("size", r.size());
        v.put("kind", r.kind());
        v.put("entry", r.entry());
        v.put("entry_sha256", r.entrySha());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("btf", m.requires().btf());
        req.put("ringbuf", m.requires().ringbuf());
        req.put("attach", m.requires().attach());
        req.put("min_kernel", m.requires().minKernel());
        v.put("requires", req);
        v.put("yanked", r.yanked());
        v.put("signature", r.signature() == null ? null : readTree(r.signature()));
        v.put("published_at", r.publishedAt());
        return v;
    }

    private static Object readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new HubStorageException("hub database: a stored signature is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Serializes a tree of maps, lists and scalars; such a tree always serializes. */
    static byte[] toJson(Object tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + tree, e);
        }
    }
}
