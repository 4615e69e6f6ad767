package dev.ebpm.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every committed BPF fixture (a package.json beside its .bpf.c) is what a fresh build of its source gives on this
 * machine: CI rebuilds each into a temporary directory and compares, never overwriting the committed file. The
 * fixtures compile against a pinned vmlinux.h, so the comparison holds on any kernel with the same clang and libbpf.
 */
class CommittedFixturesTest {
    private static final Path RESOURCES = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources");

    @TempDir
    Path tmp;

    @Test
    void everyCommittedFixtureEqualsAFreshBuild() throws Exception {
        List<Path> fixtures;
        try (Stream<Path> s = Files.walk(RESOURCES)) {
            fixtures = s.filter(p -> p.getFileName().toString().endsWith(".bpf.c"))
                    .map(Path::getParent).filter(d -> Files.isRegularFile(d.resolve("package.json"))).sorted().toList();
        }
        assertTrue(fixtures.size() >= 7, "found the fixtures: " + fixtures);
        List<String> stale = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Path dir : fixtures) {
            String rel = CliProcess.repoRoot().relativize(dir).toString();
            Path out = tmp.resolve(rel);
            CliProcess.Result r = InProcess.execute("build", dir.toString(), "-o", out.toString());
            assertEquals(0, r.exitCode(), rel + ": " + r.stderr());
            byte[] committed = Files.readAllBytes(dir.resolve("package.json"));
            byte[] fresh = Files.readAllBytes(out.resolve("package.json"));
            if (!Arrays.equals(committed, fresh)) {
                String was = json.readTree(committed).at("/meta/ebpm_build").toString();
                String now = json.readTree(fresh).at("/meta/ebpm_build").toString();
                stale.add(rel + "/package.json differs from a fresh build of its source (committed: " + was + ", this machine: " + now
                        + "); if the change is intended, refresh it deliberately: ./ebpm build " + rel + ", then commit " + rel + "/package.json");
            }
        }
        assertEquals(List.of(), stale);
    }
}
