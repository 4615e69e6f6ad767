package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.loader.btf.BtfHubKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ebpm build --btfgen}: kernels without /sys/kernel/btf/vmlinux run a package that carries minimized BTF for
 * them. This kernel's own BTF, filed in a btfhub-archive layout, is minimized into sigsnoop's package.json, then
 * the package runs in a mount namespace where /sys/kernel/btf is hidden, as on a distribution built without BTF.
 */
class EmbeddedBtfTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final BtfHubKernel THIS = BtfHubKernel.current();
    private static final BtfHubKernel OTHER = new BtfHubKernel("ubuntu", "20.04", THIS.arch(), "5.4.0-1012-aws");

    @TempDir
    Path tmp;

    /** A btfhub-archive directory: this kernel as btfhub ships it (.btf.tar.xz), and another kernel as a plain .btf. */
    private Path archive(boolean withThisKernel) throws Exception {
        Path archive = tmp.resolve(withThisKernel ? "archive" : "archive-other");
        Path other = archive.resolve(OTHER.key() + ".btf");
        Files.createDirectories(other.getParent());
        Files.copy(VMLINUX, other);
        if (withThisKernel) {
            Path dir = Files.createDirectories(archive.resolve(THIS.id()).resolve(THIS.versionId()).resolve(THIS.arch()));
            Path raw = tmp.resolve(THIS.release() + ".btf");
            Files.copy(VMLINUX, raw);
            Process tar = new ProcessBuilder("tar", "-cJf", dir.resolve(THIS.release() + ".btf.tar.xz").toString(), "-C", tmp.toString(),
                    raw.getFileName().toString()).inheritIO().start();
            assertEquals(0, tar.waitFor());
        }
        return archive;
    }

    private Path build(Path archive, String out) {
        CliProcess.Result r = InProcess.execute("build", "--btfgen", "--btfhub-archive", archive.toString(),
                CliProcess.repoRoot().resolve("examples/sigsnoop").toString(), "-o", tmp.resolve(out).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return tmp.resolve(out).resolve("package.json");
    }

    @Test
    void aKernelWithoutBtfRunsWithTheMinimizedBtfThePackageCarries() throws Exception {
        long full = Files.size(VMLINUX);
        CliProcess.Result r = InProcess.execute("build", "--btfgen", "--btfhub-archive", archive(true).toString(),
                CliProcess.repoRoot().resolve("examples/sigsnoop").toString(), "-o", tmp.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Matcher m = Pattern.compile("embedded BTF for 2 kernels \\((\\d+) bytes, minimized from (\\d+)\\)").matcher(r.stdout());
        assertTrue(m.find(), r.stdout());
        assertEquals(2 * full, Long.parseLong(m.group(2)), "both kernels' BTF is this kernel's");
        long minimized = Long.parseLong(m.group(1));
        assertTrue(minimized < full / 100, "minimized to what sigsnoop relocates against: " + minimized + " of " + full + " bytes");
        System.out.println("minimized BTF for sigsnoop: " + minimized / 2 + " bytes per kernel; this kernel's full BTF: " + full + " bytes");

        JsonNode pkg = new ObjectMapper().readTree(tmp.resolve("out/package.json").toFile());
        List<String> kernels = new ArrayList<>();
        pkg.get("btf_archive").fieldNames().forEachRemaining(kernels::add);
        assertEquals(List.of(THIS.key(), OTHER.key()).stream().sorted().toList(), kernels);

        // /sys/kernel/btf hidden; a child sends SIGPWR to a sleep every half second while sigsnoop runs
        CliProcess.Result run = RunRefusalsTest.inMountNamespace("mount -t tmpfs none /sys/kernel/btf && [ ! -e " + VMLINUX + " ] && "
                        + "{ (for i in $(seq 40); do sleep 0.5; sh -c 'sleep 5 & kill -s PWR $!; wait'; done) >/dev/null 2>&1 & true; }",
                "run", "--duration", "6", "--json", tmp.resolve("out/package.json").toString(), "--target_signal", "30");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("using the BTF embedded in the package for " + THIS.key()), run.stderr());
        assertTrue(run.stdout().lines().anyMatch(l -> l.contains("\"sig\":30,") && l.contains("\"comm\":\"sh\"")), "SIGPWR events: " + run.stdout());
    }

    @Test
    void aKernelTheArchiveLacksIsNamedWithWhatTheArchiveHolds() throws Exception {
        Path pkg = build(archive(false), "out-other");
        CliProcess.Result run = RunRefusalsTest.inMountNamespace("mount -t tmpfs none /sys/kernel/btf", "run", "--duration", "1", pkg.toString());
        assertEquals(1, run.exitCode(), run.stderr());
        String first = run.stderr().lines().findFirst().orElse("");
        assertTrue(first.startsWith("ebpm: error: sigsnoop: this kernel (" + THIS.key() + ") has no BTF at " + VMLINUX), first);
        assertTrue(first.contains("the BTF archive embedded in its package.json has none for it (it holds 1 kernel: " + OTHER.key() + ")"), first);
        assertFalse(run.stderr().contains("\tat "), run.stderr());
    }

    @Test
    void anArchiveNotInBtfhubsLayoutIsRefusedAtBuild() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("bad/ubuntu"));
        Files.copy(VMLINUX, bad.resolve("5.4.0.btf"));
        CliProcess.Result r = InProcess.execute("build", "--btfgen", "--btfhub-archive", tmp.resolve("bad").toString(),
                CliProcess.repoRoot().resolve("examples/sigsnoop").toString(), "-o", tmp.resolve("out-bad").toString());
        assertEquals(1, r.exitCode());
        assertEquals("ebpm: error: btfhub archive " + tmp.resolve("bad") + ": ubuntu/5.4.0.btf is not at ID/VERSION_ID/ARCH/RELEASE.btf"
                + " (e.g. ubuntu/20.04/x86_64/5.4.0-1012-aws.btf.tar.xz)\n", r.stderr());
        CliProcess.Result noArchive = InProcess.execute("build", "--btfgen", CliProcess.repoRoot().resolve("examples/sigsnoop").toString());
        assertEquals(1, noArchive.exitCode());
        assertTrue(noArchive.stderr().startsWith("ebpm: error: --btfgen needs --btfhub-archive DIR"), noArchive.stderr());
    }
}
