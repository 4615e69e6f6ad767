package dev.ebpm.pkg;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manifest {@value #FILE_NAME} at a package's root: identity, metadata, what the package needs from the kernel,
 * how its entry was built (optional), and the SHA-256 and size of every other file the package carries.
 * {@link #toJson()} is canonical (sorted keys, no whitespace), so the same manifest always has the same bytes and can be
 * signed. A signature is never part of what it signs: no manifest lists a {@code *.sig} file.
 */
public record PackageManifest(
        PackageName name,
        Version version,
        String description,
        String license,
        List<String> authors,
        String homepage,
        List<String> keywords,
        PackageKind kind,
        String entry,
        Requires requires,
        SortedMap<String, String> build,
        SortedMap<String, FileEntry> files) {

    public static final String FILE_NAME = "ebpm.json";
    /** The signature of a package directory's manifest, beside its ebpm.json (the embedded examples hub serves one). */
    public static final String SIGNATURE_FILE = "ebpm.sig";
    /** Every signature file ends so: {@code ebpm.sig}, {@code NAME-VERSION.ebpm.sig}, {@code package.json.sig}. */
    public static final String SIGNATURE_SUFFIX = ".sig";
    /** What a bpf entry records about its build ({@code ebpm build} writes it): package.json's {@code meta.ebpm_build}. */
    public static final String ENTRY_BUILD_RECORD = "/meta/ebpm_build";
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_FILES = 10_000;

    private static final Set<String> TOP_FIELDS = Set.of("name", "version", "description", "license", "authors",
            "homepage", "keywords", "kind", "entry", "requires", "build", "files");
    private static final Set<String> REQUIRES_FIELDS = Set.of("btf", "ringbuf", "attach", "min_kernel");
    private static final Set<String> FILE_FIELDS = Set.of("sha256", "size");
    private static final Pattern ATTACH = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern BUILD_KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final int MAX_BUILD_ENTRIES = 16;
    private static final int MAX_BUILD_VALUE = 256;
    private static final Pattern KERNEL = Pattern.compile("\\d{1,3}\\.\\d{1,3}(\\.\\d{1,4})?");

    /** ebpm.json nests three levels deep ("files" → path → digest); 10,000 files are about 60,000 values. */
    static final JsonLimits LIMITS = new JsonLimits(16, 100_000, MAX_BYTES);

    private static final ObjectMapper JSON = LIMITS.mapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** What the package needs from the running kernel. */
    public record Requires(boolean btf, boolean ringbuf, List<String> attach, String minKernel) {
        public static final Requires NONE = new Requires(false, false, List.of(), null);

        public Requires {
            attach = List.copyOf(attach == null ? List.of() : attach);
            for (String a : attach) {
                if (!ATTACH.matcher(a).matches()) {
                    throw new InvalidPackageException("manifest field \"requires.attach\": invalid attach type " + Quote.of(a));
                }
            }
            if (minKernel != null && !KERNEL.matcher(minKernel).matches()) {
                throw new InvalidPackageException("manifest field \"requires.min_kernel\": " + Quote.of(minKernel) + " is not a kernel version like \"5.8\"");
            }
        }
    }

    /** Digest and size of one file the package carries. */
    public record FileEntry(String sha256, long size) {
        public FileEntry {
            if (!Digests.isSha256Hex(sha256)) {
                throw new InvalidPackageException("file digest " + Quote.of(sha256) + " is not 64 lower-case hex characters");
            }
            if (size < 0) {
                throw new InvalidPackageException("file size " + size + " is negative");
            }
        }
    }

    public PackageManifest {
        if (name == null) throw missing("name");
        if (version == null) throw missing("version");
        if (kind == null) throw missing("kind");
        if (entry == null) throw missing("entry");
        description = text("description", description, 4096);
        license = text("license", license, 256);
        homepage = text("homepage", homepage, 1024);
        authors = textList("authors", authors, 64, 256);
        keywords = textList("keywords", keywords, 32, 64);
        requires = requires == null ? Requires.NONE : requires;
        build = Collections.unmodifiableSortedMap(new TreeMap<>(build == null ? Map.of() : build));
        if (build.size() > MAX_BUILD_ENTRIES) {
            throw new InvalidPackageException("manifest field \"build\": more than " + MAX_BUILD_ENTRIES + " entries");
        }
        for (Map.Entry<String, String> e : build.entrySet()) {
            if (!BUILD_KEY.matcher(e.getKey()).matches()) {
                throw new InvalidPackageException("manifest field \"build\": invalid key " + Quote.of(e.getKey()));
            }
            if (e.getValue() == null) throw new InvalidPackageException("manifest field \"build." + e.getKey() + "\": must be a string");
            text("build." + e.getKey(), e.getValue(), MAX_BUILD_VALUE);
        }
        if (files == null || files.isEmpty()) throw missing("files");
        if (files.size() > MAX_FILES) {
            throw new InvalidPackageException("manifest field \"files\": more than " + MAX_FILES + " files");
        }
        TreeMap<String, FileEntry> copy = new TreeMap<>();
        for (Map.Entry<String, FileEntry> e : files.entrySet()) {
            String p = PackagePath.check(e.getKey(), "manifest field \"files\": path");
            if (p.equals(FILE_NAME)) {
                throw new InvalidPackageException("manifest field \"files\": must not list " + FILE_NAME + " itself");
            }
            if (isSignatureFile(p)) {
                throw new InvalidPackageException("manifest field \"files\": lists the signature file " + Quote.of(p)
                        + "; a signature is never part of what it signs (ebpm pack leaves *" + SIGNATURE_SUFFIX + " files out)");
            }
            copy.put(p, e.getValue());
        }
        // a path may not be both a file and the directory of another file ("a" and "a/b")
        String prev = null;
        for (String p : copy.keySet()) {
            if (prev != null && p.startsWith(prev + "/")) {
                throw new InvalidPackageException("manifest field \"files\": " + Quote.of(prev) + " is a file and a directory of " + Quote.of(p));
            }
            prev = p;
        }
        files = Collections.unmodifiableSortedMap(copy);
        PackagePath.check(entry, "manifest field \"entry\":");
        if (!files.containsKey(entry)) {
            throw new InvalidPackageException("manifest field \"entry\": " + Quote.of(entry) + " is not listed in \"files\"");
        }
        // a BPF package runs an eunomia package.json or a plain BPF object (.o, its layout read from BTF: what bpfman,
        // bumblebee and Inspektor Gadget images carry)
        boolean entryOk = kind == PackageKind.BPF ? entry.endsWith(".json") || entry.endsWith(".o") : entry.endsWith(".wasm");
        if (!entryOk) {
            String ext = kind == PackageKind.BPF ? ".json or .o" : ".wasm";
            throw new InvalidPackageException("manifest field \"entry\": a " + kind.id() + " package's entry must be a " + ext + " file, got " + Quote.of(entry));
        }
    }

    private static InvalidPackageException missing(String field) {
        return new InvalidPackageException("manifest field " + Quote.of(field) + ": missing");
    }

    private static String text(String field, String s, int max) {
        if (s == null) return null;
        if (s.length() > max) {
            throw new InvalidPackageException("manifest field " + Quote.of(field) + ": longer than " + max + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t') {
                throw new InvalidPackageException("manifest field " + Quote.of(field) + ": control character");
            }
        }
        return s;
    }

    private static List<String> textList(String field, List<String> list, int maxItems, int maxLen) {
        if (list == null) return List.of();
        if (list.size() > maxItems) {
            throw new InvalidPackageException("manifest field " + Quote.of(field) + ": more than " + maxItems + " items");
        }
        for (String s : list) {
            if (s == null) throw new InvalidPackageException("manifest field " + Quote.of(field) + ": null item");
            text(field, s, maxLen);
        }
        return List.copyOf(list);
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    /** Parses and validates a complete manifest, as found in an archive or the store. */
    public static PackageManifest parse(byte[] json) {
        return fromTree(readTree(json), true).build();
    }

    private static JsonNode readTree(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new InvalidPackageException(FILE_NAME + ": larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPackageException(FILE_NAME + ": not valid JSON: " + LIMITS.describe(e));
        } catch (IOException e) {
            throw new InvalidPackageException(FILE_NAME + ": unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPackageException(FILE_NAME + ": must be a JSON object");
        }
        return root;
    }

    private static Builder fromTree(JsonNode root, boolean withFiles) {
        unknownFields(root, TOP_FIELDS, "");
        Builder b = builder()
                .name(PackageName.parse(string(root, "name", true)))
                .version(Version.parse(string(root, "version", true)))
                .description(string(root, "description", false))
                .license(string(root, "license", false))
                .authors(stringList(root, "authors", "authors"))
                .homepage(string(root, "homepage", false))
                .keywords(stringList(root, "keywords", "keywords"))
                .kind(PackageKind.parse(string(root, "kind", true)))
                .entry(string(root, "entry", true));
        JsonNode req = root.get("requires");
        if (req != null && !req.isNull()) {
            if (!req.isObject()) throw wrongType("requires", "an object");
            unknownFields(req, REQUIRES_FIELDS, "requires.");
            b.requires(new Requires(bool(req, "btf"), bool(req, "ringbuf"), stringList(req, "attach", "requires.attach"),
                    string(req, "min_kernel", false, "requires.min_kernel")));
        }
        JsonNode build = root.get("build");
        if (build != null && !build.isNull()) {
            if (!build.isObject()) throw wrongType("build", "an object of strings");
            SortedMap<String, String> record = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = build.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) throw wrongType("build." + e.getKey(), "a string");
                record.put(e.getKey(), e.getValue().textValue());
            }
            b.build(record);
        }
        if (withFiles) {
            JsonNode files = root.get("files");
            if (files == null || files.isNull()) throw missing("files");
            if (!files.isObject()) throw wrongType("files", "an object");
            Iterator<Map.Entry<String, JsonNode>> it = files.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = "files." + e.getKey();
                JsonNode f = e.getValue();
                if (!f.isObject()) throw wrongType(where, "an object");
                unknownFields(f, FILE_FIELDS, where + ".");
                JsonNode size = f.get("size");
                if (size == null || !size.isIntegralNumber() || !size.canConvertToLong()) throw wrongType(where + ".size", "an integer");
                String sha = string(f, "sha256", true, where + ".sha256");
                try {
                    b.file(e.getKey(), new FileEntry(sha, size.asLong()));
                } catch (InvalidPackageException ex) {
                    throw new InvalidPackageException("manifest field " + Quote.of(where) + ": " + ex.getMessage());
                }
            }
        }
        return b;
    }

    private static void unknownFields(JsonNode obj, Set<String> known, String prefix) {
        Iterator<String> it = obj.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new InvalidPackageException("manifest field " + Quote.of(prefix + f) + ": unknown field");
            }
        }
    }

    private static InvalidPackageException wrongType(String field, String what) {
        return new InvalidPackageException("manifest field " + Quote.of(field) + ": must be " + what);
    }

    private static String string(JsonNode obj, String field, boolean required) {
        return string(obj, field, required, field);
    }

    private static String string(JsonNode obj, String field, boolean required, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            if (required) throw missing(where);
            return null;
        }
        if (!n.isTextual()) throw wrongType(where, "a string");
        return n.textValue();
    }

    private static boolean bool(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw wrongType("requires." + field, "true or false");
        return n.booleanValue();
    }

    private static List<String> stringList(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw wrongType(where, "a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) throw wrongType(where, "a list of strings");
            out.add(item.textValue());
        }
        return out;
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    /** Canonical JSON: UTF-8, keys sorted, no whitespace between tokens, absent optional strings omitted. */
    public byte[] toJson() {
        Map<String, Object> root = new TreeMap<>();
        root.put("name", name.value());
        root.put("version", version.toString());
        putIfSet(root, "description", description);
        putIfSet(root, "license", license);
        root.put("authors", authors);
        putIfSet(root, "homepage", homepage);
        root.put("keywords", keywords);
        root.put("kind", kind.id());
        root.put("entry", entry);
        Map<String, Object> req = new TreeMap<>();
        req.put("btf", requires.btf());
        req.put("ringbuf", requires.ringbuf());
        req.put("attach", requires.attach());
        putIfSet(req, "min_kernel", requires.minKernel());
        root.put("requires", req);
        if (!build.isEmpty()) root.put("build", build);
        Map<String, Object> fs = new TreeMap<>();
        for (Map.Entry<String, FileEntry> e : files.entrySet()) {
            Map<String, Object> f = new TreeMap<>();
            f.put("sha256", e.getValue().sha256());
            f.put("size", e.getValue().size());
            fs.put(e.getKey(), f);
        }
        root.put("files", fs);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfSet(Map<String, Object> m, String k, String v) {
        if (v != null) m.put(k, v);
    }

    /** Total bytes of the files the manifest lists. */
    public long totalSize() {
        return files.values().stream().mapToLong(FileEntry::size).sum();
    }

    /** "name@version", the way the CLI names a package. */
    public String id() {
        return name + "@" + version;
    }

    // ---- building ---------------------------------------------------------------------------------------------

    /**
     * Reads {@code dir/ebpm.json} as a template (its "files" are ignored) and lists, with digests, every regular file
     * under {@code dir} except ebpm.json, signatures ({@code *.sig}), {@code .git/}, {@code .output/} and {@code *.ebpm}
     * archives at the top (so packing into the package directory does not pack earlier archives). Symlinks and special
     * files are refused. Nothing in {@code dir} is written.
     */
    public static PackageManifest forDirectory(Path dir) throws IOException {
        return forDirectory(dir, Map.of());
    }

    /**
     * As {@link #forDirectory(Path)}, with {@code built} (package path → file elsewhere, e.g. a package.json built from
     * the directory's sources into a cache) taking the place of what the directory has at those paths. A bpf entry's
     * build record ({@value #ENTRY_BUILD_RECORD}) becomes the manifest's {@code build}.
     */
    public static PackageManifest forDirectory(Path dir, Map<String, Path> built) throws IOException {
        Path template = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(template, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidPackageException("package directory " + Quote.of(dir.toString()) + ": no " + FILE_NAME);
        }
        Builder b = fromTree(readTree(Files.readAllBytes(template)), false).filesFrom(dir, built);
        if (b.kind == PackageKind.BPF && b.entry != null && b.files.containsKey(b.entry)) {
            Path entryFile = built.getOrDefault(b.entry, dir.resolve(b.entry));
            SortedMap<String, String> record = buildRecordOf(Files.readAllBytes(entryFile));
            if (!record.isEmpty()) b.build(record);
        }
        return b.build();
    }

    /**
     * The build record a bpf entry (eunomia's package.json) carries at {@value #ENTRY_BUILD_RECORD}, if any: entries
     * that are not short strings under plain keys are left out, and an entry that is not JSON has none.
     */
    public static SortedMap<String, String> buildRecordOf(byte[] entryJson) {
        SortedMap<String, String> out = new TreeMap<>();
        JsonNode record;
        try {
            JsonNode root = JSON.readTree(entryJson);
            record = root == null ? null : root.at(ENTRY_BUILD_RECORD);
        } catch (IOException e) {
            return out; // the entry's own checks say what is wrong with it
        }
        if (record == null || !record.isObject()) return out;
        Iterator<Map.Entry<String, JsonNode>> it = record.fields();
        while (it.hasNext() && out.size() < MAX_BUILD_ENTRIES) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = e.getValue().isTextual() ? e.getValue().textValue() : null;
            if (BUILD_KEY.matcher(e.getKey()).matches() && v != null && v.length() <= MAX_BUILD_VALUE && v.chars().noneMatch(c -> c < 0x20)) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    /** True for a path whose file name marks a signature ({@code *.sig}): never package content. */
    public static boolean isSignatureFile(String path) {
        return path.endsWith(SIGNATURE_SUFFIX);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().name(name).version(version).description(description).license(license)
                .authors(authors).homepage(homepage).keywords(keywords).kind(kind).entry(entry).requires(requires).build(build);
        b.files.putAll(files);
        return b;
    }

    public static final class Builder {
        private PackageName name;
        private Version version;
        private String description;
        private String license;
        private List<String> authors = List.of();
        private String homepage;
        private List<String> keywords = List.of();
        private PackageKind kind;
        private String entry;
        private Requires requires = Requires.NONE;
        private SortedMap<String, String> build = new TreeMap<>();
        private final SortedMap<String, FileEntry> files = new TreeMap<>();

        public Builder name(PackageName v) { name = v; return this; }
        public Builder name(String v) { name = PackageName.parse(v); return this; }
        public Builder version(Version v) { version = v; return this; }
        public Builder version(String v) { version = Version.parse(v); return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder license(String v) { license = v; return this; }
        public Builder authors(List<String> v) { authors = v; return this; }
        public Builder homepage(String v) { homepage = v; return this; }
        public Builder keywords(List<String> v) { keywords = v; return this; }
        public Builder kind(PackageKind v) { kind = v; return this; }
        public Builder entry(String v) { entry = v; return this; }
        public Builder requires(Requires v) { requires = v; return this; }
        public Builder build(SortedMap<String, String> v) { build = new TreeMap<>(v); return this; }

        public Builder file(String path, FileEntry f) {
            if (files.put(path, f) != null) {
                throw new InvalidPackageException("manifest field \"files\": duplicate path " + Quote.of(path));
            }
            return this;
        }

        public Builder file(String path, byte[] content) {
            return file(path, new FileEntry(Digests.sha256Hex(content), content.length));
        }

        public Builder clearFiles() {
            files.clear();
            return this;
        }

        /** Replaces the file list with the regular files under {@code dir} (except the root ebpm.json and signatures). */
        public Builder filesFrom(Path dir) throws IOException {
            return filesFrom(dir, Map.of());
        }

        /** As {@link #filesFrom(Path)}, with {@code built} (package path → file) in place of the directory's files there. */
        public Builder filesFrom(Path dir, Map<String, Path> built) throws IOException {
            files.clear();
            List<Path> all;
            try (Stream<Path> s = Files.walk(dir)) {
                all = s.sorted().toList();
            }
            for (Path p : all) {
                if (p.equals(dir)) continue;
                String rel = relative(dir, p);
                if (isBuildOrVcsDir(rel) || (!rel.contains("/") && rel.endsWith(PackageArchive.EXTENSION))) continue;
                if (Files.isSymbolicLink(p)) {
                    throw new InvalidPackageException("package directory: " + Quote.of(rel) + " is a symlink; packages carry regular files only");
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidPackageException("package directory: " + Quote.of(rel) + " is not a regular file");
                }
                if (rel.equals(FILE_NAME) || isSignatureFile(rel) || built.containsKey(rel)) continue;
                PackagePath.check(rel, "package directory: file");
                file(rel, new FileEntry(Digests.sha256Hex(p), Files.size(p)));
            }
            for (Map.Entry<String, Path> e : built.entrySet()) {
                PackagePath.check(e.getKey(), "built file");
                file(e.getKey(), new FileEntry(Digests.sha256Hex(e.getValue()), Files.size(e.getValue())));
            }
            return this;
        }

        private static String relative(Path dir, Path p) {
            List<String> parts = new ArrayList<>();
            for (Path seg : dir.relativize(p)) parts.add(seg.toString());
            return String.join("/", parts);
        }

        public PackageManifest build() {
            return new PackageManifest(name, version, description, license, authors, homepage, keywords, kind, entry,
                    requires, build, new TreeMap<>(files));
        }
    }

    @Override
    public String toString() {
        return id();
    }

    /** Version control, build output and CI settings never belong in a package: `.git/`, `.output/` where `ebpm build` works, `.github/`. */
    static boolean isBuildOrVcsDir(String rel) {
        for (String dir : new String[] {".git", ".output", ".github"}) {
            if (rel.equals(dir) || rel.startsWith(dir + "/")) return true;
        }
        return false;
    }
}
