package dev.ebpm.registry.hubs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A local directory in the static layout ({@code <dir>/<name>/app.wasm} or {@code <dir>/<name>/package.json}), such
 * as the bundled examples. If {@code <dir>/<name>/ebpm.json} exists its name, version, description, keywords and
 * kernel needs are used; otherwise the manifest is synthesized like a static hub's. An optional {@code builder} builds
 * a directory holding sources and returns the artifact it built, wherever it keeps it (the repository system passes the
 * examples' builder, which builds outside the directory). A package signature over the synthesized manifest may lie
 * beside the artifact, {@code ebpm.sig}; it is served like an index hub's (the embedded examples hub's are made by
 * ebpm-core, see docs/trust.md).
 */
public final class DirectoryHub implements Hub {
    /** The package signature beside a directory package. */
    public static final String SIGNATURE_FILE = PackageManifest.SIGNATURE_FILE;

    public static final String TYPE = "directory";

    /**
     * The transport for hubs of type {@value #TYPE}: a local directory (or {@code file:} URL). Only the built-in examples
     * hub gets the examples builder; a directory the user added serves what is there.
     */
    public static final HubTransport TRANSPORT = new HubTransport() {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public boolean probe(String location, TransportContext context) {
            return !HttpIndexHub.isHttp(location) && Files.isDirectory(path(location));
        }

        @Override
        public Hub open(HubDefinition d, TransportContext context) {
            return new DirectoryHub(d.name(), path(d.location()), d.builtIn() ? context.examplesBuilder() : null);
        }
    };

    /** A directory hub's location as a path: a plain path or a {@code file:} URL. */
    public static Path path(String location) {
        return Path.of(location.startsWith("file:") ? java.net.URI.create(location).getPath() : location);
    }

    private final String name;
    private final Path dir;
    private final UnaryOperator<Path> builder;

    /** @param builder given a package directory, returns the package.json or app.wasm to serve, built if need be; may be null */
    public DirectoryHub(String name, Path dir, UnaryOperator<Path> builder) {
        this.name = name;
        this.dir = dir;
        this.builder = builder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public boolean unversioned() {
        return true;
    }

    @Override
    public Optional<HubPackage> find(PackageName pkg) {
        return load(pkg).map(l -> StaticManifests.packageOf(l.pkg(), l.signature()));
    }

    @Override
    public List<HubPackage> search(String term) {
        List<HubPackage> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String n = p.getFileName().toString();
                if (!Files.isDirectory(p) || !PackageName.isValid(n)) continue;
                // describe without building: search must stay cheap
                JsonNode meta = readMeta(p);
                List<String> kw = new ArrayList<>();
                meta.path("keywords").forEach(k -> kw.add(k.asText()));
                String desc = meta.hasNonNull("description") ? meta.get("description").asText() : null;
                HubPackage hp = new HubPackage(PackageName.parse(n), desc, kw, List.of());
                if (hp.matches(term) && hasContent(p)) out.add(hp);
            }
        } catch (IOException e) {
            throw new RegistryException("hub " + name + ": cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public FetchedPackage fetch(HubPackage pkg, HubVersion v) {
        Loaded l = load(pkg.name()).orElseThrow(() -> new RegistryException("hub " + name + ": " + pkg.name() + " disappeared from " + dir));
        UnpackedPackage up = l.pkg();
        if (!up.manifest().version().equals(v.version())) {
            throw new RegistryException("hub " + name + ": " + pkg.name() + " changed while installing (now " + up.manifest().version() + ")");
        }
        return new FetchedPackage(name, up, v.sha256(), null, l.signature());
    }

    private boolean hasContent(Path p) throws IOException {
        if (Files.isRegularFile(p.resolve(StaticManifests.APP_WASM)) || Files.isRegularFile(p.resolve(StaticManifests.PACKAGE_JSON))) return true;
        if (builder == null) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".bpf.c"));
        }
    }

    private record Loaded(UnpackedPackage pkg, String signature) {}

    private Optional<Loaded> load(PackageName pkg) {
        Path p = dir.resolve(pkg.value());
        try {
            if (!Files.isDirectory(p) || !hasContent(p)) return Optional.empty();
            Path file;
            if (builder != null) {
                file = builder.apply(p); // the builder decides: rebuilds stale artifacts, WASM ones included
            } else {
                file = p.resolve(StaticManifests.APP_WASM);
                if (!Files.isRegularFile(file)) file = p.resolve(StaticManifests.PACKAGE_JSON);
            }
            if (!Files.isRegularFile(file)) return Optional.empty();
            UnpackedPackage up = packageAt(p, pkg, file);
            Path sig = file.resolveSibling(SIGNATURE_FILE);
            String signature = Files.isRegularFile(sig) && Files.size(sig) <= 64 * 1024 ? Files.readString(sig) : null;
            return Optional.of(new Loaded(up, signature));
        } catch (IOException e) {
            throw new RegistryException("hub " + name + ": cannot read " + p + ": " + e.getMessage(), e);
        } catch (InvalidPackageException e) {
            throw new RegistryException("hub " + name + ": " + p.resolve(PackageManifest.FILE_NAME) + ": " + e.getMessage());
        }
    }

    /**
     * The package a directory hub serves for {@code file} (an app.wasm or package.json in {@code packageDir}): the same
     * bytes give the same manifest, byte for byte, so a signature made over it stays valid until the file changes.
     */
    public static UnpackedPackage packageAt(Path packageDir, PackageName pkg, Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        String fileName = file.getFileName().toString().endsWith(".wasm") ? StaticManifests.APP_WASM : StaticManifests.PACKAGE_JSON;
        return StaticManifests.wrap(pkg, fileName, content, template(packageDir, pkg, content));
    }

    private static JsonNode readMeta(Path p) {
        Path m = p.resolve(PackageManifest.FILE_NAME);
        if (!Files.isRegularFile(m)) return IndexDocument.JSON.createObjectNode();
        try {
            JsonNode n = IndexDocument.JSON.readTree(m.toFile());
            return n != null && n.isObject() ? n : IndexDocument.JSON.createObjectNode();
        } catch (IOException e) {
            throw new InvalidPackageException("not valid JSON: " + e.getMessage());
        }
    }

    /** Metadata from ebpm.json, if there is one; its "kind", "entry" and "files" are not used. */
    private static PackageManifest.Builder template(Path p, PackageName pkg, byte[] content) {
        JsonNode m = readMeta(p);
        if (m.isEmpty()) return null;
        PackageManifest.Builder b = PackageManifest.builder();
        String n = m.hasNonNull("name") ? m.get("name").asText() : pkg.value();
        if (!n.equals(pkg.value())) throw new InvalidPackageException("names the package " + n + " but lives in " + p);
        b.name(pkg);
        b.version(m.hasNonNull("version") ? dev.ebpm.pkg.Version.parse(m.get("version").asText())
                : StaticManifests.staticVersion(dev.ebpm.pkg.Digests.sha256Hex(content)));
        if (m.hasNonNull("description")) b.description(m.get("description").asText());
        if (m.hasNonNull("license")) b.license(m.get("license").asText());
        if (m.hasNonNull("homepage")) b.homepage(m.get("homepage").asText());
        b.keywords(strings(m.path("keywords")));
        b.authors(strings(m.path("authors")));
        JsonNode r = m.path("requires");
        if (r.isObject()) {
            b.requires(new PackageManifest.Requires(r.path("btf").asBoolean(false), r.path("ringbuf").asBoolean(false),
                    strings(r.path("attach")), r.hasNonNull("min_kernel") ? r.get("min_kernel").asText() : null));
        }
        return b;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }
}
