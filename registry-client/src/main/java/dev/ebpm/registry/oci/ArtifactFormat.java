package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.TarReader;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.RegistryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * The kinds of artifact ebpm reads from a registry, each recognised by its media types and turned into a package: ebpm's
 * own (the signed .ebpm archive), ecli's WASM module, a bpfman bytecode image, a bumblebee image and an Inspektor Gadget
 * image. The foreign ones get a manifest made here: the repository's last component as name, the tag as version when it
 * reads as semver (else {@code 0.0.0-oci+DIGEST12}), their one file (module or BPF object) as entry.
 */
public enum ArtifactFormat {
    EBPM("ebpm package"),
    ECLI_WASM("ecli WASM module"),
    INSPEKTOR_GADGET("Inspektor Gadget image"),
    BUMBLEBEE("bumblebee image"),
    BPFMAN("bpfman bytecode image");

    private final String label;

    ArtifactFormat(String label) {
        this.label = label;
    }

    /** For messages: "bpfman bytecode image". */
    public String label() {
        return label;
    }

    /** Foreign formats carry no ebpm signature. */
    public boolean signable() {
        return this == EBPM;
    }

    /** What a manifest decodes into: the package, the .ebpm archive file (ebpm's format only), notes for the user. */
    record Decoded(UnpackedPackage pkg, Path archive, List<String> notes) {}

    private static final long MAX_OBJECT = 64L << 20;
    private static final int EM_BPF = 247;

    /** Which format {@code m} is in, by its media types; config labels decide for an ordinary image (bpfman's). */
    static ArtifactFormat of(OciDocument.Manifest m, String where) {
        String config = m.config().mediaType();
        boolean anyLayer;
        if (MediaTypes.EBPM_PACKAGE.equals(m.artifactType()) || hasLayer(m, MediaTypes.EBPM_ARCHIVE_LAYER)) return EBPM;
        if (MediaTypes.GADGET_ARTIFACT.equals(m.artifactType()) || MediaTypes.GADGET_CONFIG.equals(config) || hasLayer(m, MediaTypes.GADGET_EBPF)) {
            return INSPEKTOR_GADGET;
        }
        if (MediaTypes.BUMBLEBEE_CONFIG.equals(config) || hasLayer(m, MediaTypes.BUMBLEBEE_PROGRAM)) return BUMBLEBEE;
        if (MediaTypes.WASM_CONFIG.equals(config) || hasLayer(m, MediaTypes.WASM_LAYER)) return ECLI_WASM;
        anyLayer = hasLayer(m, MediaTypes.OCI_LAYER_TAR_GZIP) || hasLayer(m, MediaTypes.DOCKER_LAYER_TAR_GZIP);
        if ((MediaTypes.OCI_CONFIG.equals(config) || MediaTypes.DOCKER_CONFIG.equals(config)) && anyLayer) return BPFMAN;
        throw new RegistryException(where + " is " + (m.artifactType() != null ? "an artifact of type " + m.artifactType() : "an image with config " + config)
                + ", not a package ebpm reads (ebpm packages, ecli WASM modules, bpfman bytecode images, bumblebee and Inspektor Gadget images)");
    }

    private static boolean hasLayer(OciDocument.Manifest m, String type) {
        return m.layers().stream().anyMatch(l -> type.equals(l.mediaType()));
    }

    /** Decodes {@code m}; {@code blobs} fetches (and verifies) a blob. */
    Decoded decode(OciDocument.Manifest m, ArtifactReference ref, String digest, Function<Descriptor, Path> blobs, String where) {
        return switch (this) {
            case EBPM -> ebpm(m, blobs, where);
            case ECLI_WASM -> ecli(m, ref, digest, blobs, where);
            case INSPEKTOR_GADGET -> gadget(m, ref, digest, blobs, where);
            case BUMBLEBEE -> bumblebee(m, ref, digest, blobs, where);
            case BPFMAN -> bpfman(m, ref, digest, blobs, where);
        };
    }

    private static Decoded ebpm(OciDocument.Manifest m, Function<Descriptor, Path> blobs, String where) {
        Descriptor layer = only(m, MediaTypes.EBPM_ARCHIVE_LAYER, where);
        Path archive = blobs.apply(layer);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            return new Decoded(PackageArchive.unpack(in), archive, List.of());
        } catch (InvalidPackageException e) {
            throw new RegistryException(where + ": the package in it is not valid: " + e.getMessage());
        } catch (IOException e) {
            throw new RegistryException("cannot read " + archive + ": " + e.getMessage());
        }
    }

    private static Decoded ecli(OciDocument.Manifest m, ArtifactReference ref, String digest, Function<Descriptor, Path> blobs, String where) {
        Descriptor layer = m.layers().stream().filter(l -> MediaTypes.WASM_LAYER.equals(l.mediaType())).findFirst()
                .orElseThrow(() -> new RegistryException(where + ": an ecli artifact without a " + MediaTypes.WASM_LAYER + " layer"));
        byte[] module = read(blobs.apply(layer), where);
        if (module.length < 4 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            throw new RegistryException(where + ": its WASM layer is not a WebAssembly module");
        }
        String entry = fileName(m.annotations().get(MediaTypes.TITLE), ".wasm", "app.wasm");
        return foreign(ref, digest, ECLI_WASM, PackageKind.WASM, entry, module, description(m.annotations(), null), List.of());
    }

    private static Decoded bumblebee(OciDocument.Manifest m, ArtifactReference ref, String digest, Function<Descriptor, Path> blobs, String where) {
        Descriptor layer = only(m, MediaTypes.BUMBLEBEE_PROGRAM, where);
        byte[] elf = checkBpfObject(read(blobs.apply(layer), where), where);
        blobs.apply(m.config()); // kept with the package: an export carries the image whole
        String entry = fileName(layer.annotation(MediaTypes.TITLE), ".o", "program.o");
        return foreign(ref, digest, BUMBLEBEE, PackageKind.BPF, entry, elf, description(m.annotations(), null), List.of());
    }

    private static Decoded gadget(OciDocument.Manifest m, ArtifactReference ref, String digest, Function<Descriptor, Path> blobs, String where) {
        Descriptor layer = only(m, MediaTypes.GADGET_EBPF, where);
        byte[] elf = checkBpfObject(read(blobs.apply(layer), where), where);
        blobs.apply(m.config());
        String title = m.annotations().getOrDefault(MediaTypes.TITLE, m.config().annotation(MediaTypes.TITLE));
        String about = m.annotations().getOrDefault(MediaTypes.DESCRIPTION, m.config().annotation(MediaTypes.DESCRIPTION));
        List<String> notes = new ArrayList<>();
        notes.add("Inspektor Gadget image" + (title == null ? "" : " \"" + title + "\"") + (about == null ? "" : ": " + about));
        if (m.layers().size() > 1) notes.add("its other layers (" + String.join(", ", m.layers().stream().map(Descriptor::mediaType)
                .filter(t -> !t.equals(MediaTypes.GADGET_EBPF)).toList()) + ") are not used");
        notes.add("ebpm runs the gadget's eBPF object as a plain BPF object; gadget operators (enrichment, filtering, WASM, parameters) are out of scope");
        return foreign(ref, digest, INSPEKTOR_GADGET, PackageKind.BPF, "program.o", elf, description(m.annotations(), title), notes);
    }

    private static Decoded bpfman(OciDocument.Manifest m, ArtifactReference ref, String digest, Function<Descriptor, Path> blobs, String where) {
        JsonNode labels;
        try {
            labels = OciDocument.JSON.readTree(read(blobs.apply(m.config()), where)).path("config").path("Labels");
        } catch (IOException e) {
            throw new RegistryException(where + ": its image config is not JSON");
        }
        Map<String, String> programs = labelMap(labels, "io.ebpf.programs", where);
        Map<String, String> maps = labelMap(labels, "io.ebpf.maps", where);
        if (programs.isEmpty() && labels.hasNonNull("io.ebpf.bpf_function_name")) {
            // the first version of the spec: one program, described by four labels
            programs.put(labels.get("io.ebpf.bpf_function_name").asText(), labels.path("io.ebpf.program_type").asText("unknown"));
        }
        if (programs.isEmpty()) {
            throw new RegistryException(where + " is an ordinary container image, not a bpfman bytecode image (its config has no io.ebpf.programs label)");
        }
        if (m.layers().size() != 1) throw new RegistryException(where + ": a bytecode image has exactly one layer, this one has " + m.layers().size());
        Descriptor layer = m.layers().get(0);
        Named object = firstFile(blobs.apply(layer), where);
        byte[] elf = checkBpfObject(object.bytes(), where + " (" + object.name() + ")");
        String entry = fileName(object.name(), ".o", "bytecode.o");
        StringBuilder about = new StringBuilder("bpfman bytecode image; programs ");
        programs.forEach((k, v) -> about.append(k).append(" (").append(v).append("), "));
        about.setLength(about.length() - 2);
        if (!maps.isEmpty()) {
            about.append("; maps ");
            maps.forEach((k, v) -> about.append(k).append(" (").append(v).append("), "));
            about.setLength(about.length() - 2);
        }
        return foreign(ref, digest, BPFMAN, PackageKind.BPF, entry, elf, about.toString(), List.of(about.toString()));
    }

    private static Map<String, String> labelMap(JsonNode labels, String key, String where) {
        Map<String, String> out = new TreeMap<>();
        if (!labels.hasNonNull(key)) return out;
        try {
            JsonNode n = OciDocument.JSON.readTree(labels.get(key).asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        } catch (IOException e) {
            throw new RegistryException(where + ": label " + key + " is not a JSON object");
        }
    }

    private record Named(String name, byte[] bytes) {}

    /** The first regular file of a (gzip'd) tar layer: where a bytecode image keeps its object. */
    private static Named firstFile(Path layer, String where) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(layer), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            TarReader tar = new TarReader(in);
            for (TarReader.Header h = tar.next(); h != null; h = tar.next()) {
                if (h.isFile()) {
                    if (h.size() > MAX_OBJECT) throw new RegistryException(where + ": " + h.name() + " is over " + (MAX_OBJECT >> 20) + " MiB");
                    String name = h.name().substring(h.name().lastIndexOf('/') + 1);
                    return new Named(name, tar.readData(h.name(), h.size()));
                }
                tar.skipData(h.name(), h.type() == '5' ? 0 : h.size());
            }
            throw new RegistryException(where + ": its layer holds no file");
        } catch (InvalidPackageException e) {
            throw new RegistryException(where + ": its layer is not a readable tar (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new RegistryException(where + ": cannot read its layer: " + e.getMessage());
        }
    }

    /**
     * Refuses anything but a BPF ELF object in this machine's byte order: bytecode is built per endianness (bpfel, bpfeb),
     * and one of the wrong order fails in the kernel with a confusing error.
     */
    static byte[] checkBpfObject(byte[] elf, String where) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new RegistryException(where + ": its program is not an ELF object");
        }
        int data = elf[5];
        if (data != 1 && data != 2) throw new RegistryException(where + ": its ELF object has an invalid byte order field (" + data + ")");
        boolean little = data == 1;
        boolean hostLittle = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        if (little != hostLittle) {
            throw new RegistryException(where + ": its BPF object is " + (little ? "little" : "big") + "-endian and this machine is "
                    + (hostLittle ? "little" : "big") + "-endian; refused (use the image built for " + (hostLittle ? "bpfel" : "bpfeb") + ")");
        }
        int machine = little ? (elf[18] & 0xff) | (elf[19] & 0xff) << 8 : (elf[18] & 0xff) << 8 | (elf[19] & 0xff);
        if (machine != EM_BPF) throw new RegistryException(where + ": its ELF object is for machine " + machine + ", not BPF (" + EM_BPF + ")");
        return elf;
    }

    private static Descriptor only(OciDocument.Manifest m, String type, String where) {
        List<Descriptor> l = m.layers().stream().filter(x -> type.equals(x.mediaType())).toList();
        if (l.size() != 1) throw new RegistryException(where + ": expected one " + type + " layer, found " + l.size());
        return l.get(0);
    }

    private static byte[] read(Path p, String where) {
        try {
            if (Files.size(p) > MAX_OBJECT) throw new RegistryException(where + ": a layer over " + (MAX_OBJECT >> 20) + " MiB");
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RegistryException("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static Decoded foreign(ArtifactReference ref, String digest, ArtifactFormat format, PackageKind kind, String entry, byte[] content,
                                   String description, List<String> notes) {
        PackageManifest.Builder b = PackageManifest.builder().name(nameOf(ref)).version(versionOf(ref, digest)).kind(kind).entry(entry)
                .file(entry, content).keywords(List.of("oci", format.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        if (description != null) b.description(clean(description));
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put(entry, content);
        return new Decoded(UnpackedPackage.of(b.build(), files), null, notes);
    }

    /** The repository's last component, made a valid package name. */
    public static PackageName nameOf(ArtifactReference ref) {
        String last = ref.repository().substring(ref.repository().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        if (last.length() > PackageName.MAX_LENGTH) last = last.substring(0, PackageName.MAX_LENGTH);
        return PackageName.isValid(last) ? PackageName.parse(last) : PackageName.parse("package");
    }

    /** The tag as a version when it reads as one ({@code v1.2.0} too), else {@code 0.0.0-oci+} and the digest's first 12 hex. */
    public static Version versionOf(ArtifactReference ref, String digest) {
        Version v = tagVersion(ref.tag());
        return v != null ? v : Version.parse("0.0.0-oci+" + digest.substring(7, 19));
    }

    /** A tag read as a semver version ({@code 1.2.0}, {@code v1.2.0}), or null. */
    public static Version tagVersion(String tag) {
        if (tag == null) return null;
        String t = tag.startsWith("v") ? tag.substring(1) : tag;
        try {
            return Version.parse(t);
        } catch (InvalidPackageException e) {
            return null;
        }
    }

    private static String fileName(String title, String ext, String fallback) {
        if (title == null) return fallback;
        String base = title.substring(title.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || base.startsWith(".")) return fallback;
        return base.endsWith(ext) ? base : base + ext;
    }

    private static String description(Map<String, String> annotations, String title) {
        String d = annotations.get(MediaTypes.DESCRIPTION);
        if (title != null && d != null) return title + ": " + d;
        return d != null ? d : title;
    }

    private static String clean(String s) {
        String c = s.replaceAll("[\\p{Cntrl}&&[^\n\t]]", " ");
        return c.length() > 4000 ? c.substring(0, 4000) : c;
    }

}
