package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import dev.ebpm.cli.KernelState;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the kernel refuses a program or a package is malformed: one line naming
 * what and where, a non-zero exit, no stack trace, and nothing left loaded.
 */
class RunRefusalsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static byte[] sigsnoop;

    @BeforeAll
    static void buildSigsnoop() throws Exception {
        sigsnoop = Files.readAllBytes(Examples.built("sigsnoop").resolve("package.json"));
    }

    private static Path fixture(String name) {
        return CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/refused").resolve(name);
    }

    private static void assertOneLineError(CliProcess.Result r, String... fragments) {
        assertEquals(1, r.exitCode(), "exit code; stderr: " + r.stderr());
        String first = r.stderr().lines().filter(l -> l.startsWith("ebpm: error:")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'ebpm: error:' line in: " + r.stderr()));
        for (String f : fragments) assertTrue(first.contains(f), "'" + f + "' missing from: " + first);
        assertFalse(r.stderr().contains("\tat "), "a stack trace leaked: " + r.stderr());
    }

    @Test
    void kprobeWithoutKprobesNamesProgramAndReason() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("kprobe").toString());
        assertOneLineError(r, "program 'refused_kprobe'", "kprobe/do_unlinkat", "CONFIG_KPROBES is off");
        assertFalse(KernelState.programNames().contains("refused_kprobe"));
    }

    @Test
    void fentryRefusedByThisKernel() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("fentry").toString());
        assertOneLineError(r, "program 'refused_fentry'", "fentry/do_unlinkat", "cannot be loaded", "fentry/fexit");
    }

    @Test
    void lsmWithoutBpfLsm() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("lsm").toString());
        assertOneLineError(r, "program 'refused_lsm'", "lsm/file_open", "BPF LSM is not enabled");
    }

    @Test
    void verboseShowsLibbpfsLog() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("fentry").toString(), "--verbose");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("libbpf:"), "libbpf's own lines with --verbose: " + r.stderr());
    }

    private CliProcess.Result runMutated(Path dir, java.util.function.Consumer<ObjectNode> mutate) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(sigsnoop);
        mutate.accept(root);
        Path file = dir.resolve("package.json");
        Files.write(file, JSON.writeValueAsBytes(root));
        return CliProcess.run("run", file.toString());
    }

    @Test
    void badBase64(@TempDir Path dir) throws Exception {
        CliProcess.Result r = runMutated(dir, root -> root.put("bpf_object", "not*base64*at*all"));
        assertOneLineError(r, "package.json", "bpf_object is not valid base64");
    }

    @Test
    void badZlib(@TempDir Path dir) throws Exception {
        CliProcess.Result r = runMutated(dir, root -> root.put("bpf_object", Base64.getEncoder().encodeToString("plain bytes, not zlib".getBytes())));
        assertOneLineError(r, "package.json", "not valid zlib data");
    }

    @Test
    void truncatedElf(@TempDir Path dir) throws Exception {
        CliProcess.Result r = runMutated(dir, root -> {
            byte[] elf = inflate(Base64.getDecoder().decode(root.get("bpf_object").asText()));
            byte[] cut = Arrays.copyOf(elf, elf.length / 3);
            root.put("bpf_object", Base64.getEncoder().encodeToString(deflate(cut)));
            root.put("bpf_object_size", cut.length);
        });
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().startsWith("ebpm: error: cannot open BPF object 'sigsnoop_bpf'"), r.stderr());
    }

    @Test
    void sizeMismatch(@TempDir Path dir) throws Exception {
        CliProcess.Result r = runMutated(dir, root -> root.put("bpf_object_size", 12));
        assertOneLineError(r, "bpf_object_size says 12 bytes");
    }

    @Test
    void unknownAttachType(@TempDir Path dir) throws Exception {
        CliProcess.Result r = runMutated(dir, root -> {
            ArrayNode progs = (ArrayNode) root.at("/meta/bpf_skel/progs");
            ((ObjectNode) progs.get(0)).put("name", "no_such_prog");
        });
        assertOneLineError(r, "program 'no_such_prog' named in package.json is not in the BPF object");
    }

    @Test
    void missingExportType(@TempDir Path dir) throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(java.util.List.of("kill_entry", "kill_exit"));
        CliProcess.Result r = runMutated(dir, root -> ((ObjectNode) root.get("meta")).putArray("export_types"));
        assertOneLineError(r, "map 'events' streams events but package.json has no export_types");
        kernel.assertNoneLeft(); // the programs were loaded before the error: all released
    }

    @Test
    void malformedJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("package.json");
        Files.writeString(file, "{\"bpf_object\": \"abc\",\n \"meta\": {");
        CliProcess.Result r = CliProcess.run("run", file.toString());
        assertOneLineError(r, file.toString(), "malformed JSON at line 2");
    }

    private static byte[] inflate(byte[] z) {
        try {
            return new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(z)).readAllBytes();
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] deflate(byte[] b) {
        Deflater d = new Deflater();
        d.setInput(b);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        return out.toByteArray();
    }

    @Test
    void withoutPrivilegesSaysToUseSudo() throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                "setpriv", "--inh-caps=-all", "--bounding-set=-all", // root, but without any capability
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path")));
        cmd.addAll(CliProcess.properties());
        cmd.addAll(java.util.List.of(dev.ebpm.cli.Main.class.getName(), "run", "sigsnoop"));
        Process p = new ProcessBuilder(cmd).start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(1, p.waitFor(), err);
        assertTrue(err.startsWith("ebpm: error: running BPF programs needs root"), err);
        assertTrue(err.contains("sudo"), err);
    }

    /** Runs ebpm in a private mount namespace after {@code setup} (shell) changed what is mounted there. */
    static CliProcess.Result inMountNamespace(String setup, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder(setup).append(" && exec '").append(Path.of(System.getProperty("java.home"), "bin", "java"))
                .append("' -cp '").append(System.getProperty("java.class.path")).append("'");
        for (String p : CliProcess.properties()) cmd.append(" '").append(p).append("'");
        cmd.append(' ').append(dev.ebpm.cli.Main.class.getName());
        for (String a : args) cmd.append(" '").append(a).append("'");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", cmd.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        return new CliProcess.Result(p.waitFor(), out, err);
    }

    @Test
    void withoutKernelBtfSaysToPassBtf() throws Exception {
        // hide /sys/kernel/btf in a private mount namespace: the kernel of a distribution without BTF
        CliProcess.Result r = inMountNamespace("mount -t tmpfs none /sys/kernel/btf", "run", "sigsnoop", "--duration", "0.5");
        assertOneLineError(r, "this kernel has no BTF at /sys/kernel/btf/vmlinux", "--btf FILE");
        CliProcess.Result withFile = inMountNamespace("cp /sys/kernel/btf/vmlinux /tmp/ebpm-test-vmlinux && mount -t tmpfs none /sys/kernel/btf",
                "run", "--btf", "/tmp/ebpm-test-vmlinux", "sigsnoop", "--duration", "0.5");
        assertEquals(0, withFile.exitCode(), "with --btf the same run works: " + withFile.stderr());
    }

    @Test
    void tracefsIsMountedWhenMissing() throws Exception {
        // a namespace where tracefs is not mounted anywhere: ebpm mounts it itself, as bpftool does
        CliProcess.Result r = inMountNamespace("umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug/tracing 2>/dev/null; "
                + "! mountpoint -q /sys/kernel/tracing", "run", "--verbose", "sigsnoop", "--duration", "0.5");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("mounted tracefs at /sys/kernel/tracing"), r.stderr());
    }
}
