package dev.ebpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken inputs through the CLI, for every parser ebpm has: eunomia's package.json, the ebpm.json
 * manifest, a hub's index, the .ebpm archive (gzip and tar), ELF objects and their BTF. Each ends in exactly one line
 * {@code ebpm: error: ...}, exit code 1, and no Java exception class name anywhere on stderr. The inputs issue 13 found
 * (JSON nested 100,000 deep, {@code char[999999999999]}, an offset of 2^31-1, a member of 2^31-1 bytes, a million
 * programs) each have their exact message.
 */
class MalformedInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An exception or error class name, as Java prints them (NullPointerException, OutOfMemoryError, ...). */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|\\bjava\\.[a-z]+\\.|\\tat ");
    private static byte[] sigsnoop;

    @TempDir Path tmp;

    @BeforeAll
    static void buildSigsnoop() throws Exception {
        sigsnoop = Files.readAllBytes(Examples.built("sigsnoop").resolve("package.json"));
    }

    /** The one error line of a refused command, after checking the format every refusal shares. */
    static String refusal(CliProcess.Result r, String what) {
        assertEquals(1, r.exitCode(), what + ": exit code; stderr: " + r.stderr());
        List<String> lines = r.stderr().lines()
                .filter(l -> !l.startsWith("ebpm: warning: ") && !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
        assertEquals(1, lines.size(), what + ": one line, got: " + r.stderr());
        assertTrue(lines.get(0).startsWith("ebpm: error: "), what + ": " + lines.get(0));
        assertFalse(CLASS_NAME.matcher(r.stderr()).find(), what + ": a Java class name reached the user: " + r.stderr());
        assertFalse(lines.get(0).startsWith("ebpm: error: internal error"), what + ": an input ebpm did not expect: " + lines.get(0));
        System.out.println(what + " -> " + lines.get(0));
        return lines.get(0);
    }

    private Path mutated(String name, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(sigsnoop);
        change.accept(root);
        Path f = tmp.resolve(name + ".json");
        Files.write(f, JSON.writeValueAsBytes(root));
        return f;
    }

    private static ObjectNode exportType(ObjectNode root) {
        return (ObjectNode) root.at("/meta/export_types/0");
    }

    // ---- the inputs issue 13 found, each with its exact message ------------------------------------------------

    @Test
    void jsonNested100000Deep() throws Exception {
        Path f = tmp.resolve("deep.json");
        Files.writeString(f, "[".repeat(100_000) + "]".repeat(100_000));
        assertEquals("ebpm: error: " + f + ": JSON past this reader's limits (at most 32 levels deep, 200000 values, 90527060-character strings)",
                refusal(InProcess.execute("run", f.toString()), "deep JSON"));
    }

    @Test
    void anArrayTypeOfAnAbsurdLength() throws Exception {
        Path f = mutated("chararr", root -> {
            ObjectNode et = exportType(root);
            et.put("name", "no_btf_event"); // not in the object's BTF: the layout comes from the type names
            et.remove("type_id");
            et.remove("size");
            et.putArray("members").addObject().put("name", "comm").put("type", "char[999999999999]");
        });
        KernelState.Snapshot kernel = new KernelState.Snapshot(List.of("kill_entry", "kill_exit"));
        assertEquals("ebpm: error: export type 'no_btf_event': member 'comm' of type char[999999999999] is larger than the limit of 1048576 bytes",
                refusal(CliProcess.run("run", f.toString(), "--duration", "1"), "char[999999999999]"));
        kernel.assertNoneLeft();
    }

    @Test
    void aVariableAtOffsetTwoToTheThirtyFirstMinusOne() throws Exception {
        Path f = mutated("varoff", root -> ((ArrayNode) root.at("/meta/bpf_skel/data_sections/0/variables")).addObject()
                .put("name", "bogus").put("type", "int").put("offset", Integer.MAX_VALUE).put("value", 1));
        assertEquals("ebpm: error: " + f + ": variable 'bogus' offset is 2147483647, outside 0..1073741824",
                refusal(InProcess.execute("run", f.toString(), "--duration", "1"), "offset 2^31-1"));
    }

    @Test
    void aMemberOfTwoToTheThirtyFirstMinusOneBytes() throws Exception {
        Path f = mutated("memsize", root -> ((ObjectNode) exportType(root).at("/members/0")).put("size", Integer.MAX_VALUE));
        assertEquals("ebpm: error: " + f + ": export type 'event' member 'pid' size is 2147483647, outside 0..1048576",
                refusal(InProcess.execute("run", f.toString(), "--duration", "1"), "member of 2^31-1 bytes"));
        Path larger = mutated("larger", root -> ((ObjectNode) exportType(root).at("/members/4")).put("size", 64));
        assertEquals("ebpm: error: " + larger + ": export type 'event' member 'comm' (offset 16, size 64) lies outside the 32-byte struct",
                refusal(InProcess.execute("run", larger.toString(), "--duration", "1"), "member larger than its struct"));
    }

    @Test
    void aMillionProgramsOrMembersInLittleMemory() throws Exception {
        Path progs = mutated("progs", root -> {
            ArrayNode a = ((ObjectNode) root.at("/meta/bpf_skel")).putArray("progs");
            for (int i = 0; i < 1_000_000; i++) a.addObject();
        });
        Path members = mutated("members", root -> {
            ArrayNode a = exportType(root).putArray("members");
            for (int i = 0; i < 1_000_000; i++) a.addObject().put("name", "m").put("type", "int");
        });
        // a heap of 128 MiB: the limits stop the reader long before it could need 1.8 GB
        Map<String, String> smallHeap = Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m");
        for (Path f : List.of(progs, members)) {
            assertEquals("ebpm: error: " + f + ": JSON past this reader's limits (at most 32 levels deep, 200000 values, 90527060-character strings)",
                    refusal(CliProcess.run(smallHeap, Duration.ofSeconds(60), "run", f.toString()), f.getFileName().toString()));
        }
        Path some = mutated("progs2000", root -> {
            ArrayNode a = ((ObjectNode) root.at("/meta/bpf_skel")).putArray("progs");
            for (int i = 0; i < 2000; i++) a.addObject().put("name", "p" + i);
        });
        assertEquals("ebpm: error: " + some + ": meta.bpf_skel.progs has 2000 entries, more than the limit of 1024",
                refusal(InProcess.execute("run", some.toString()), "2000 programs"));
    }

    // ---- every parser, malformed every which way: the format only ---------------------------------------------

    @Test
    void packageJson() throws Exception {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("not-json", "this is not json"),
                Map.entry("truncated", "{\"bpf_object\": \"abc\",\n \"meta\": {"),
                Map.entry("array", "[]"),
                Map.entry("number-object", "{\"bpf_object\": 5, \"meta\": {\"bpf_skel\": {}}}"),
                Map.entry("null-program", "{\"bpf_object\": \"eJw=\", \"meta\": {\"bpf_skel\": {\"progs\": [null]}}}"),
                Map.entry("string-offset", "{\"bpf_object\": \"eJw=\", \"meta\": {\"bpf_skel\": {\"data_sections\": [{\"name\": \".rodata\", "
                        + "\"variables\": [{\"name\": \"x\", \"type\": \"int\", \"offset\": \"x\"}]}]}}}"),
                Map.entry("huge-offset", "{\"bpf_object\": \"eJw=\", \"meta\": {\"bpf_skel\": {\"data_sections\": [{\"name\": \".rodata\", "
                        + "\"variables\": [{\"name\": \"x\", \"type\": \"int\", \"offset\": 1e40}]}]}}}"),
                Map.entry("long-number", "{\"bpf_object_size\": " + "9".repeat(5000) + "}"),
                Map.entry("deep-value", "{\"bpf_object\": \"eJw=\", \"meta\": {\"bpf_skel\": {\"data_sections\": [{\"name\": \".rodata\", "
                        + "\"variables\": [{\"name\": \"x\", \"value\": " + "[".repeat(40) + "]".repeat(40) + "}]}]}}}"),
                Map.entry("bad-base64", "{\"bpf_object\": \"@@@\", \"meta\": {\"bpf_skel\": {}}}"),
                Map.entry("zlib-bomb-header", "{\"bpf_object\": \"eJzt\", \"meta\": {\"bpf_skel\": {}}}"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = tmp.resolve(c.getKey() + ".json");
            Files.writeString(f, c.getValue());
            // refused before libbpf is reached: run in this JVM, which is faster than a process each
            refusal(InProcess.execute("run", f.toString()), "package.json " + c.getKey());
        }
    }

    @Test
    void manifest() throws Exception {
        Map<String, String> cases = Map.of(
                "not-json", "{name",
                "deep", "{\"name\": " + "[".repeat(20_000) + "]".repeat(20_000) + "}",
                "wrong-type", "{\"name\": 5, \"version\": \"1.0.0\", \"kind\": \"bpf\", \"entry\": \"package.json\"}",
                "unknown-field", "{\"name\": \"x\", \"version\": \"1.0.0\", \"kind\": \"bpf\", \"entry\": \"package.json\", \"evil\": 1}",
                "bad-version", "{\"name\": \"x\", \"version\": \"1.0.0.0.0\", \"kind\": \"bpf\", \"entry\": \"package.json\"}",
                "escape-codes", "{\"name\": \"x\", \"version\": \"1.0.0\", \"kind\": \"bpf\", \"entry\": \"package.json\", \"description\": \"\\u001b]0;pwned\\u0007\"}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path dir = Files.createDirectories(tmp.resolve("pkg-" + c.getKey()));
            Files.writeString(dir.resolve("ebpm.json"), c.getValue());
            Files.writeString(dir.resolve("package.json"), "{}");
            refusal(InProcess.execute("pack", dir.toString(), "-o", tmp.resolve("out").toString()), "ebpm.json " + c.getKey());
        }
    }

    @Test
    void archives() throws Exception {
        List<byte[]> cases = new ArrayList<>();
        cases.add("not gzip at all".getBytes(StandardCharsets.UTF_8));
        cases.add(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}); // a gzip header and nothing else
        cases.add(gzip("garbage, not a tar stream, long enough to be read as a header? ".repeat(20).getBytes(StandardCharsets.UTF_8)));
        cases.add(gzip(tarHeader("../escape", '0', 5)));
        cases.add(gzip(tarHeader("link", '2', 0)));
        cases.add(gzip(tarHeader("huge", '0', 077777777777L)));
        byte[] badSum = tarHeader("ebpm.json", '0', 0);
        badSum[150] = '9';
        cases.add(gzip(badSum));
        for (int i = 0; i < cases.size(); i++) {
            Path f = tmp.resolve("bad-" + i + ".ebpm");
            Files.write(f, cases.get(i));
            refusal(InProcess.execute("install", "--allow-unsigned", "--store", tmp.resolve("store").toString(), f.toString()), "archive " + i);
        }
        try (Stream<Path> s = Files.walk(tmp.resolve("store"))) {
            assertEquals(0, s.filter(p -> p.toString().contains("/blobs/") && Files.isRegularFile(p)).count(), "nothing stored");
        }
    }

    @Test
    void elfObjectsAndTheirBtf() throws Exception {
        byte[] elf = inflate(Base64.getDecoder().decode(JSON.readTree(sigsnoop).get("bpf_object").asText()));
        List<byte[]> cases = new ArrayList<>();
        cases.add(java.util.Arrays.copyOf(elf, 70)); // a header and nothing it points to
        cases.add(java.util.Arrays.copyOf(elf, elf.length / 2));
        byte[] farSections = elf.clone();
        ByteBuffer.wrap(farSections).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, Long.MAX_VALUE - 100);
        cases.add(farSections);
        // the fuzzer's findings in the ELF reader (bpf-loader's LoaderFormatsFuzzTestInputs)
        try (Stream<Path> s = Files.list(CliProcess.repoRoot().resolve("bpf-loader/src/test/resources/dev/ebpm/loader/LoaderFormatsFuzzTestInputs/elf"))) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().startsWith("crash-"))::iterator) cases.add(Files.readAllBytes(p));
        }
        // the .BTF section damaged: its header length, its type kinds, its string offsets
        int btf = sectionOffset(elf, ".BTF");
        for (int[] damage : new int[][] {{4, 0x7f}, {24 + 7, 0x1f}, {24 + 3, 0x7f}, {16 + 3, 0x7f}}) {
            byte[] broken = elf.clone();
            broken[btf + damage[0]] = (byte) damage[1];
            cases.add(broken);
        }
        for (int i = 0; i < cases.size(); i++) {
            Path f = tmp.resolve("broken-" + i + ".bpf.o");
            Files.write(f, cases.get(i));
            refusal(CliProcess.run("run", f.toString(), "--duration", "1"), "object " + i);
        }
    }

    @Test
    void hubIndexes() throws Exception {
        Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            String store = tmp.resolve("idx-store").toString();
            served.put("/index.json", "{\"packages\": [], \"protocol\": 1}".getBytes(StandardCharsets.UTF_8));
            assertEquals(0, InProcess.execute("hub", "add", "bad", url, "--type", "index", "--allow-unsigned", "--store", store).exitCode());
            List<String> indexes = List.of("not json", "[".repeat(50_000), "{\"protocol\": 2}", "{\"protocol\": 1, \"packages\": [{\"name\": \"../x\"}]}",
                    "{\"protocol\": 1, \"packages\": [{\"name\": \"x\", \"versions\": [{\"version\": \"1\", \"sha256\": \"zz\"}]}]}",
                    "{\"protocol\": 1, \"packages\": [{\"name\": \"x\", \"versions\": [{\"version\": \"1.0.0\", \"sha256\": \"" + "a".repeat(64)
                            + "\", \"kind\": \"elf\"}]}]}",
                    "{\"protocol\": 1, \"packages\": [{\"name\": \"x\"}, {\"name\": \"X\"}, {\"name\": \"x_\"}]}");
            for (int i = 0; i < indexes.size(); i++) {
                served.put("/index.json", indexes.get(i).getBytes(StandardCharsets.UTF_8));
                refusal(InProcess.execute("install", "--store", store, "bad/x"), "index " + i);
            }
        } finally {
            server.stop(0);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
            gz.write(new byte[1024]);
        }
        return out.toByteArray();
    }

    /** A ustar header block with a correct checksum. */
    private static byte[] tarHeader(String name, char type, long size) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, "00000000000\0");
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static byte[] inflate(byte[] z) throws Exception {
        return new InflaterInputStream(new java.io.ByteArrayInputStream(z)).readAllBytes();
    }

    /** The file offset of a section of a little-endian ELF64 object. */
    private static int sectionOffset(byte[] elf, String name) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int strndx = Short.toUnsignedInt(b.getShort(0x3e));
        long strOff = b.getLong((int) (shoff + strndx * 64L) + 0x18);
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + i * 64L);
            int nameOff = b.getInt(h);
            StringBuilder s = new StringBuilder();
            for (int k = (int) strOff + nameOff; elf[k] != 0; k++) s.append((char) elf[k]);
            if (s.toString().equals(name)) return (int) b.getLong(h + 0x18);
        }
        throw new AssertionError("no section " + name);
    }
}
