package dev.ebpm.loader.skeleton;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ebpm.loader.BpfException;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes eunomia's package.json: validates the JSON, base64-decodes and inflates the BPF object,
 * and checks its size, each failure with its own one-line message naming the file.
 */
public final class PackageReader {
    /** A package.json's metadata together with its BPF object's ELF bytes. */
    public record Decoded(EunomiaPackage pkg, byte[] elf) {}

    /** Largest inflated object we accept: a BPF object of hundreds of MB is an attack, not a program. */
    public static final int MAX_OBJECT_SIZE = 64 << 20;
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    /** Deeper than any package.json ecc or ebpm writes (about 8); a variable's JSON value gets the rest. */
    static final int MAX_DEPTH = 32;
    /** Tokens in one package.json: thousands in real ones; bounds the tree built before the counts are checked. */
    static final long MAX_TOKENS = 200_000;

    public static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxTokenCount(MAX_TOKENS)
                            // the base64 of the largest object, compressed no worse than stored
                            .maxStringLength(MAX_OBJECT_SIZE / 3 * 4 + (1 << 20))
                            .build())
                    .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .build();

    private PackageReader() {}

    /** Reads a full package.json ({@code bpf_object} + {@code meta}). */
    public static Decoded read(byte[] json, String origin) {
        JsonNode root = parseTree(json, origin);
        if (!root.has("bpf_object")) {
            throw new BpfException(origin + ": not an eunomia package: no \"bpf_object\" field"
                    + (root.has("bpf_skel") ? " (this is a bare skeleton; its .bpf.o must sit next to it)" : ""));
        }
        EunomiaPackage pkg = bind(root, EunomiaPackage.class, origin);
        SkeletonLimits.check(pkg, origin);
        if (pkg.meta == null || pkg.meta.bpfSkel == null) throw new BpfException(origin + ": no \"meta.bpf_skel\" section");
        if (pkg.bpfObject == null || pkg.bpfObject.isBlank()) throw new BpfException(origin + ": \"bpf_object\" is empty");
        byte[] elf = decodeField(pkg.bpfObject, "bpf_object", origin);
        if (pkg.bpfObjectSize != null && pkg.bpfObjectSize != elf.length) {
            throw new BpfException(origin + ": bpf_object_size says " + pkg.bpfObjectSize + " bytes but the object inflates to " + elf.length);
        }
        checkElf(elf, origin);
        return new Decoded(pkg, elf);
    }

    /** Reads the bare {@code *.skel.json} form: the meta object alone, the ELF given separately. */
    public static Decoded readBare(byte[] skelJson, byte[] elf, String origin) {
        JsonNode root = parseTree(skelJson, origin);
        EunomiaPackage pkg = new EunomiaPackage();
        pkg.meta = bind(root, EunomiaPackage.Meta.class, origin);
        SkeletonLimits.check(pkg, origin);
        if (pkg.meta.bpfSkel == null) throw new BpfException(origin + ": no \"bpf_skel\" section");
        checkElf(elf, origin);
        return new Decoded(pkg, elf);
    }

    public static void checkElf(byte[] elf, String origin) {
        if (elf.length < 64) throw new BpfException(origin + ": BPF object is truncated (" + elf.length + " bytes, an ELF header alone is 64)");
        for (int i = 0; i < 4; i++) {
            if (elf[i] != ELF_MAGIC[i]) throw new BpfException(origin + ": BPF object is not an ELF file (bad magic)");
        }
        if (elf[4] != 2) throw new BpfException(origin + ": BPF object is not a 64-bit ELF");
        if ((elf[18] & 0xff | (elf[19] & 0xff) << 8) != 247) throw new BpfException(origin + ": ELF object is not for the BPF machine (e_machine != EM_BPF)");
    }

    private static JsonNode parseTree(byte[] json, String origin) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) throw new BpfException(origin + ": expected a JSON object");
            return root;
        } catch (StreamConstraintsException e) {
            throw new BpfException(origin + ": " + constraint(e));
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String what = e.getOriginalMessage().lines().findFirst().orElse("");
            // an unclosed object's message goes on with where it started, in Jackson's own notation
            int marker = what.indexOf(" (start marker at ");
            throw new BpfException(origin + ": malformed JSON" + at + ": " + (marker >= 0 ? what.substring(0, marker) : what));
        } catch (java.io.IOException e) {
            throw new BpfException(origin + ": cannot read: " + e.getMessage());
        }
    }

    /** Jackson names its own methods in these; say which limits this reader keeps instead. */
    private static String constraint(StreamConstraintsException e) {
        return "JSON past this reader's limits (at most " + MAX_DEPTH + " levels deep, " + MAX_TOKENS + " values, "
                + JSON.getFactory().streamReadConstraints().getMaxStringLength() + "-character strings)";
    }

    private static <T> T bind(JsonNode node, Class<T> type, String origin) {
        try {
            return JSON.treeToValue(node, type);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new BpfException(origin + ": invalid field " + path(e) + ": expected " + expected(e.getTargetType()));
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new BpfException(origin + ": invalid field " + path(e) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            throw new BpfException(origin + ": invalid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    /** The JSON path of a field, as the file spells it: {@code meta.bpf_skel.progs[0].ifindex}. */
    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
        }
        return b.length() == 0 ? "(top level)" : b.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) return "another kind of value";
        if (type == Integer.class || type == int.class) return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        if (type == Long.class || type == long.class) return "an integer";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (java.util.Collection.class.isAssignableFrom(type)) return "a list";
        return "an object";
    }

    /**
     * A base64 string of zlib data, as package.json stores the object (and ebpm the embedded BTF); {@code field} names
     * it in errors.
     */
    public static byte[] decodeField(String base64, String field, String origin) {
        byte[] compressed;
        try {
            compressed = Base64.getDecoder().decode(base64.replaceAll("\\s", "")); // strict: a stray character is an error, not skipped
        } catch (IllegalArgumentException e) {
            throw new BpfException(origin + ": " + field + " is not valid base64 (" + e.getMessage() + ")");
        }
        return inflate(compressed, field, origin);
    }

    private static byte[] inflate(byte[] compressed, String field, String origin) {
        Inflater inflater = new Inflater();
        inflater.setInput(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, compressed.length * 4));
        byte[] chunk = new byte[64 * 1024];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new BpfException(origin + ": " + field + "'s zlib data is truncated");
                }
                out.write(chunk, 0, n);
                if (out.size() > MAX_OBJECT_SIZE) throw new BpfException(origin + ": " + field + " inflates past " + (MAX_OBJECT_SIZE >> 20) + " MiB; refusing");
            }
        } catch (DataFormatException e) {
            throw new BpfException(origin + ": " + field + " is not valid zlib data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }
}
