package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A package that reports through bpf_printk (examples/minimal, after eunomia's): ebpm run shows its lines, marked. */
class PrintkTest {
    private static final List<String> PROGS = List.of("handle_tp");
    @org.junit.jupiter.api.extension.RegisterExtension
    final KernelState.NothingLeftLoaded nothingOfOursStaysLoaded = new KernelState.NothingLeftLoaded(PROGS);

    /** A shell that writes one line each time it is told to: the write(2) minimal traces. */
    private static Process writer() throws Exception {
        return new ProcessBuilder("sh", "-c", "while read x; do echo written; done").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void write(Process writer) throws Exception {
        OutputStream in = writer.getOutputStream();
        in.write('\n');
        in.flush();
    }

    @Test
    void minimalsPrintkLinesShowInTheTable(@TempDir Path dir) throws Exception {
        Process sh = writer();
        try (CliProcess ebpm = CliProcess.start(Fixtures.env(dir), "run", "minimal", "-p", Long.toString(sh.pid()))) {
            ebpm.awaitStderr("showing bpf_printk output, marked bpf_printk", Fixtures.READY);
            ebpm.awaitStderr("running", Fixtures.READY);
            write(sh);
            String line = ebpm.awaitLine(l -> l.contains("BPF triggered from PID " + sh.pid()), Duration.ofSeconds(10));
            assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d bpf_printk sh-" + sh.pid() + ": BPF triggered from PID " + sh.pid() + "\\."), line);
            assertEquals(130, ebpm.interrupt(Duration.ofSeconds(15)), ebpm.stderr());
        } finally {
            sh.destroy();
        }
        try (Stream<Path> instances = Files.list(Path.of("/sys/kernel/tracing/instances"))) {
            assertEquals(List.of(), instances.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ebpm-")
                    && ProcessHandle.of(Long.parseLong(n.split("-")[1])).isEmpty()).toList(), "the run's tracefs instance is removed");
        }
    }

    @Test
    void asJsonWithTheTaskThatWrote(@TempDir Path dir) throws Exception {
        Process sh = writer();
        try (CliProcess ebpm = CliProcess.start(Fixtures.env(dir), "run", "minimal", "--json", "-p", Long.toString(sh.pid()))) {
            ebpm.awaitStderr("running", Fixtures.READY);
            write(sh);
            JsonNode e = new ObjectMapper().readTree(ebpm.awaitLine(l -> l.contains("BPF triggered"), Duration.ofSeconds(10)));
            assertEquals("BPF triggered from PID " + sh.pid() + ".", e.path("bpf_printk").asText());
            assertEquals("sh", e.path("comm").asText());
            assertEquals(sh.pid(), e.path("pid").asLong());
            ebpm.interrupt(Duration.ofSeconds(15));
        } finally {
            sh.destroy();
        }
    }

    @Test
    void offWithNoTracePipe(@TempDir Path dir) throws Exception {
        CliProcess.Result r = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), "run", "minimal", "--no-trace-pipe", "--duration", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(!r.stderr().contains("bpf_printk") && !r.stdout().contains("bpf_printk"), r.stderr() + r.stdout());
    }
}
