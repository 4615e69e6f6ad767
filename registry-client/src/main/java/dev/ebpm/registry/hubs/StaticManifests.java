package dev.ebpm.registry.hubs;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubVersion;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Static (eunomia/LMP) hubs serve a bare {@code package.json} or {@code app.wasm} with no ebpm.json. This gives such a
 * file the manifest the store needs: version {@code 0.0.0-static+<first 12 hex of its sha256>}, kind from the file.
 */
public final class StaticManifests {
    public static final String PACKAGE_JSON = "package.json";
    public static final String APP_WASM = "app.wasm";

    private StaticManifests() {
    }

    public static Version staticVersion(String sha256) {
        return Version.parse("0.0.0-static+" + sha256.substring(0, 12));
    }

    public static PackageKind kindOf(String fileName) {
        return fileName.endsWith(".wasm") ? PackageKind.WASM : PackageKind.BPF;
    }

    /**
     * Wraps one entry file; {@code template} (may be null) supplies name, version and metadata when a directory has an
     * ebpm.json. A package.json that records its build ({@code ebpm build} writes it) gives the manifest its "build".
     */
    public static UnpackedPackage wrap(PackageName name, String fileName, byte[] content, PackageManifest.Builder template) {
        String sha = Digests.sha256Hex(content);
        PackageManifest.Builder b = template != null ? template : PackageManifest.builder().name(name).version(staticVersion(sha));
        PackageKind kind = kindOf(fileName);
        if (kind == PackageKind.BPF) b.build(PackageManifest.buildRecordOf(content));
        b.kind(kind).entry(fileName).file(fileName, new PackageManifest.FileEntry(sha, content.length));
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put(fileName, content);
        return UnpackedPackage.of(b.build(), files);
    }

    static HubVersion versionOf(UnpackedPackage p, String signature) {
        PackageManifest m = p.manifest();
        String entrySha = m.files().get(m.entry()).sha256();
        return new HubVersion(m.version(), entrySha, m.files().get(m.entry()).size(), m.kind(), m.entry(), m.requires(), false, signature);
    }

    static HubPackage packageOf(UnpackedPackage p) {
        return packageOf(p, null);
    }

    static HubPackage packageOf(UnpackedPackage p, String signature) {
        PackageManifest m = p.manifest();
        return new HubPackage(m.name(), m.description(), m.keywords(), List.of(versionOf(p, signature)));
    }
}
