package dev.ebpm.cli.oci;

import static dev.ebpm.cli.oci.OciFixtures.JSON;
import static dev.ebpm.cli.oci.OciFixtures.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import dev.ebpm.cli.run.RunSigsnoopTestAccess;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.oci.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every foreign format ebpm reads, each written into a real registry by this test with plain HTTP calls in that tool's
 * exact shape (not by ebpm), then run for real on this kernel: ecli's WASM module, bumblebee's and Inspektor Gadget's
 * raw ELF layers, a bpfman bytecode image (gzip'd tar layer, labels in the image config, a multi-arch manifest list),
 * and the refusals: a big-endian object, and an unsigned foreign artifact not pinned by digest.
 */
class OciFormatsTest {
    private static final List<String> PROGS = List.of("kill_entry", "kill_exit", "tkill_entry", "tkill_exit", "tgkill_entry", "tgkill_exit");
    private static TestRegistry registry;
    private static byte[] elf;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start(TestRegistry.Auth.NONE);
        elf = OciFixtures.sigsnoopObject();
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    private static String descriptor(String mediaType, String digest, long size, String annotations) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + (annotations == null ? "" : ",\"annotations\":" + annotations) + "}";
    }

    /** Runs REF, sends a signal from a child, and returns the line showing it (the table's PID column). */
    private static void runsAndSeesASignal(Map<String, String> env, String ref, String... more) throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(PROGS);
        String[] args = new String[more.length + 3];
        args[0] = "run";
        args[1] = "--allow-unsigned";
        System.arraycopy(more, 0, args, 2, more.length);
        args[args.length - 1] = ref;
        try (CliProcess p = CliProcess.start(env, args)) {
            p.awaitStderr("running (6 programs attached)", Duration.ofSeconds(120));
            long[] pids = RunSigsnoopTestAccess.signalFromChild("USR1");
            String line = p.awaitLine(l -> l.trim().split("\\s+").length >= 6 && l.trim().split("\\s+")[1].equals(Long.toString(pids[0])), Duration.ofSeconds(15));
            assertTrue(line.contains(" 10 "), "SIGUSR1 seen: " + line);
            assertEquals(130, p.interrupt(Duration.ofSeconds(15)), p.stderr());
            assertTrue(p.stderr().contains("UNSIGNED") && p.stderr().contains("--allow-unsigned"), p.stderr());
        }
        kernel.assertNoneLeft();
    }

    @Test
    void ecliWasmModuleRunsAsWasm(@TempDir Path dir) throws Exception {
        byte[] wasm = OciFixtures.sigsnoopWasm();
        // what ecli push writes through bpf-oci / oci-distribution: no mediaType field, config "{}" of the WASM config
        // type, one raw module layer without annotations, the module named by the manifest's title annotation
        String repo = "eunomia/sigsnoop";
        String cfg = registry.putBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));
        String layer = registry.putBlob(repo, wasm);
        String manifest = "{\"schemaVersion\":2,\"config\":" + descriptor("application/vnd.wasm.config.v1+json", cfg, 2, null)
                + ",\"layers\":[" + descriptor("application/vnd.wasm.content.layer.v1+wasm", layer, wasm.length, null) + "]"
                + ",\"annotations\":{\"org.opencontainers.image.title\":\"app.wasm\"}}";
        registry.putManifest(repo, "latest", "application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = OciFixtures.env(dir);
        try (CliProcess p = CliProcess.start(env, "run", "--allow-unsigned", registry.address() + "/" + repo + ":latest", "-d", "30")) {
            p.awaitStderr("tracing", Duration.ofSeconds(120));
            long[] pids = RunSigsnoopTestAccess.signalFromChild("USR2");
            String line = p.awaitLine(l -> l.contains("pid=" + pids[0] + " "), Duration.ofSeconds(15));
            assertTrue(line.contains("sig=12"), line);
            assertEquals(130, p.interrupt(Duration.ofSeconds(15)), p.stderr());
        }
        CliProcess.Result info = quick(dir, "info", registry.address() + "/" + repo + ":latest");
        assertEquals(0, info.exitCode(), info.stderr());
        assertTrue(info.stdout().contains("(ecli WASM module)") && info.stdout().contains("kind:        wasm") && info.stdout().contains("app.wasm"), info.stdout());
    }

    @Test
    void bumblebeeImageRunsAsAPlainObject(@TempDir Path dir) throws Exception {
        // bumblebee (oras-go): config {} of its own type titled config.json, the ELF as one raw layer titled program.o
        String repo = "solo-io/sigsnoop";
        String cfg = registry.putBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));
        String layer = registry.putBlob(repo, elf);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + descriptor("application/ebpf.oci.image.config.v1+json", cfg, 2, "{\"org.opencontainers.image.title\":\"config.json\"}")
                + ",\"layers\":[" + descriptor("application/ebpf.oci.image.program.v1+binary", layer, elf.length, "{\"org.opencontainers.image.title\":\"program.o\"}")
                + "],\"annotations\":{\"org.opencontainers.image.description\":\"signals, from bumblebee\",\"org.opencontainers.image.authors\":\"ebpm tests\"}}";
        registry.putManifest(repo, "v0.1.0", "application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8));
        runsAndSeesASignal(OciFixtures.env(dir), registry.address() + "/" + repo + ":v0.1.0");
    }

    @Test
    void inspektorGadgetIndexPicksThisMachinesManifestAndSaysWhatIsOutOfScope(@TempDir Path dir) throws Exception {
        // ig image build: an index of per-arch manifests, each artifactType gadget, gadget.yaml as config, the ELF raw
        String repo = "inspektor-gadget/gadget/trace_signal";
        byte[] yaml = "name: trace signal\ndescription: trace signals sent to processes\n".getBytes(StandardCharsets.UTF_8);
        String cfg = registry.putBlob(repo, yaml);
        // one object per architecture: arm64's is another build (never fetched on this amd64 machine)
        byte[][] objects = {elf, java.util.Arrays.copyOf(elf, elf.length + 8)};
        String ann = "{\"org.opencontainers.image.title\":\"trace signal\",\"org.opencontainers.image.description\":\"trace signals sent to processes\"}";
        String[] digests = new String[2];
        String[] arches = {"amd64", "arm64"};
        for (int i = 0; i < 2; i++) {
            String layer = registry.putBlob(repo, objects[i]);
            String m = "{\"schemaVersion\":2,\"artifactType\":\"application/vnd.gadget.v1+binary\",\"config\":"
                    + descriptor("application/vnd.gadget.config.v1+yaml", cfg, yaml.length, ann) + ",\"layers\":["
                    + descriptor("application/vnd.gadget.ebpf.program.v1+binary", layer, objects[i].length, null) + "],\"annotations\":" + ann + "}";
            digests[i] = registry.putManifest(repo, "sha256:" + Digests.sha256Hex(m.getBytes(StandardCharsets.UTF_8)), "application/vnd.oci.image.manifest.v1+json",
                    m.getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        for (int i = 0; i < 2; i++) {
            byte[] m = registry.manifest(repo, digests[i]);
            index.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"").append(digests[i])
                    .append("\",\"size\":").append(m.length).append(",\"platform\":{\"architecture\":\"").append(arches[i]).append("\",\"os\":\"linux\"}}");
        }
        index.append("],\"annotations\":").append(ann).append("}");
        registry.putManifest(repo, "latest", "application/vnd.oci.image.index.v1+json", index.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = OciFixtures.env(dir);
        CliProcess.Result pull = quick(dir, "pull", "--allow-unsigned", registry.address() + "/" + repo + ":latest");
        assertEquals(0, pull.exitCode(), pull.stderr());
        assertTrue(pull.stderr().contains("Inspektor Gadget image \"trace signal\": trace signals sent to processes"), pull.stderr());
        assertTrue(pull.stderr().contains("gadget operators") && pull.stderr().contains("out of scope"), pull.stderr());
        CliProcess.Result info = quick(dir, "info", "--json", "trace_signal");
        JsonNode j = JSON.readTree(info.stdout());
        assertEquals("program.o", j.at("/manifest/entry").asText());
        assertEquals(Digests.sha256Hex(elf), j.at("/manifest/files/program.o/sha256").asText(), "the amd64 manifest's ELF layer, byte for byte");
        runsAndSeesASignal(env, registry.address() + "/" + repo + ":latest");
    }

    /** A bpfman bytecode image's layer: a gzip'd tar with the object as its first entry, as a Containerfile COPY makes it. */
    private static byte[] layer(Path dir, String name, byte[] object) throws Exception {
        Path d = Files.createDirectories(dir.resolve("layer-" + name));
        Files.write(d.resolve(name), object);
        Path tgz = dir.resolve(name + ".tar.gz");
        Process p = new ProcessBuilder("tar", "--format=posix", "-czf", tgz.toString(), "-C", d.toString(), name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("tar: " + out);
        return Files.readAllBytes(tgz);
    }

    private static String bpfmanImage(Path dir, String repo, String arch, String object, byte[] elfBytes, ObjectNode labels) throws Exception {
        byte[] tgz = layer(dir, object, elfBytes);
        String layerDigest = registry.putBlob(repo, tgz);
        ObjectNode config = JSON.createObjectNode().put("architecture", arch).put("os", "linux");
        config.putObject("config").set("Labels", labels);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        byte[] cfg = JSON.writeValueAsBytes(config);
        String cfgDigest = registry.putBlob(repo, cfg);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", cfgDigest, cfg.length, null) + ",\"layers\":["
                + descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", layerDigest, tgz.length, null) + "]}";
        byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
        return registry.putManifest(repo, "sha256:" + Digests.sha256Hex(m), "application/vnd.oci.image.manifest.v1+json", m) + " " + m.length;
    }

    @Test
    void bpfmanBytecodeImagesPickThisArchitectureAndRefuseTheWrongByteOrder(@TempDir Path dir) throws Exception {
        String repo = "bpfman-bytecode/sigsnoop";
        ObjectNode labels = JSON.createObjectNode()
                .put("io.ebpf.programs", "{\"kill_entry\":\"tracepoint\",\"tgkill_entry\":\"tracepoint\"}")
                .put("io.ebpf.maps", "{\"events\":\"ringbuf\"}");
        byte[] be = OciFixtures.bigEndianObject(dir);
        String[] amd = bpfmanImage(dir, repo, "amd64", "sigsnoop_x86_bpfel.o", elf, labels).split(" ");
        String[] s390 = bpfmanImage(dir, repo, "s390x", "sigsnoop_s390_bpfeb.o", be, labels).split(" ");
        // what `podman manifest inspect` shows for bpfman's multi-arch images: a Docker manifest list of OCI manifests
        String list = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":" + s390[1] + ",\"digest\":\"" + s390[0] + "\",\"platform\":{\"architecture\":\"s390x\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":" + amd[1] + ",\"digest\":\"" + amd[0] + "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        registry.putManifest(repo, "latest", "application/vnd.docker.distribution.manifest.list.v2+json", list.getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = OciFixtures.env(dir);
        CliProcess.Result info = quick(dir, "info", registry.address() + "/" + repo + ":latest");
        assertEquals(0, info.exitCode(), info.stderr());
        assertTrue(info.stdout().contains("bpfman bytecode image; programs kill_entry (tracepoint), tgkill_entry (tracepoint); maps events (ringbuf)"), info.stdout());
        assertTrue(info.stdout().contains("sigsnoop_x86_bpfel.o"), "this machine's (amd64) entry: " + info.stdout());
        runsAndSeesASignal(env, registry.address() + "/" + repo + ":latest");

        // a single-arch image whose object has the other byte order: refused before anything reaches the kernel
        registry.putManifest(repo, "s390x-only", "application/vnd.oci.image.manifest.v1+json", registry.manifest(repo, s390[0]));
        CliProcess.Result wrong = quick(dir, "run", "--allow-unsigned", registry.address() + "/" + repo + ":s390x-only");
        assertEquals(1, wrong.exitCode());
        assertTrue(wrong.stderr().contains("big-endian and this machine is little-endian; refused"), wrong.stderr());

        // bpfman's first label set: one program in four labels
        ObjectNode v1 = JSON.createObjectNode().put("io.ebpf.program_type", "tracepoint").put("io.ebpf.filename", "sigsnoop.o")
                .put("io.ebpf.program_name", "sigsnoop").put("io.ebpf.bpf_function_name", "kill_entry");
        String[] old = bpfmanImage(dir, repo, "amd64", "sigsnoop.o", elf, v1).split(" ");
        registry.putManifest(repo, "v1-labels", "application/vnd.oci.image.manifest.v1+json", registry.manifest(repo, old[0]));
        CliProcess.Result oldInfo = quick(dir, "info", registry.address() + "/" + repo + ":v1-labels");
        assertTrue(oldInfo.stdout().contains("programs kill_entry (tracepoint)"), oldInfo.stdout() + oldInfo.stderr());
    }

    @Test
    void aForeignFormatNeedsAPinnedDigestOrAllowUnsigned(@TempDir Path dir) throws Exception {
        String repo = "solo-io/pinned";
        String cfg = registry.putBlob(repo, "{}".getBytes(StandardCharsets.UTF_8));
        String layer = registry.putBlob(repo, elf);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + descriptor("application/ebpf.oci.image.config.v1+json", cfg, 2, null) + ",\"layers\":["
                + descriptor("application/ebpf.oci.image.program.v1+binary", layer, elf.length, null) + "]}";
        String digest = registry.putManifest(repo, "1.0.0", "application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = OciFixtures.env(dir);
        String tagged = registry.address() + "/" + repo + ":1.0.0";
        CliProcess.Result refused = quick(dir, "install", tagged);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("is a bumblebee image: it carries no ebpm signature")
                && refused.stderr().contains("REF@sha256:") && refused.stderr().contains("--allow-unsigned"), refused.stderr());
        assertEquals("no packages installed", quick(dir, "list").stdout().strip());

        CliProcess.Result pinned = quick(dir, "install", registry.address() + "/" + repo + "@" + digest);
        assertEquals(0, pinned.exitCode(), pinned.stderr());
        assertTrue(pinned.stdout().startsWith("installed pinned@1.0.0") || pinned.stdout().contains("installed pinned@"), pinned.stdout());
        CliProcess.Result info = quick(dir, "info", "pinned");
        assertTrue(info.stdout().contains("signature:   pinned: content named by digest " + digest), info.stdout());
        assertTrue(info.stdout().contains("source:      oci:" + registry.address() + "/" + repo + "@" + digest), info.stdout());
    }
}
