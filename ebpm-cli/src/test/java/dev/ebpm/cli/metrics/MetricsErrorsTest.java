package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpm.cli.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong field names, bad YAML, missing endpoints, unknown maps: one line naming the place, exit 1, nothing left running. */
class MetricsErrorsTest {
    private static CliProcess.Result run(Path dir, String... args) throws Exception {
        return CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), args);
    }

    @Test
    void aLabelFromAFieldTheEventLacksNamesItsLine(@TempDir Path dir) throws Exception {
        Path config = Fixtures.opensnoopWithConfig(dir);
        Files.writeString(config, Fixtures.EUNOMIA_CONFIG.replace("from: fname", "from: fnam"));
        CliProcess.Result r = run(dir, "run", "--metrics", "127.0.0.1:0", "--metrics-config", config.toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: " + config + ":10: label 'filename' takes field 'fnam', but opensnoop's event (event) has no such field "
                + "(fields: ts, pid, uid, ret, flags, comm, fname)", lastLine(r));
    }

    @Test
    void badYamlNamesItsLine(@TempDir Path dir) throws Exception {
        Path config = Fixtures.opensnoopWithConfig(dir);
        Files.writeString(config, Fixtures.EUNOMIA_CONFIG.replace("      labels:", "      labels: [").replace("  compiled_ebpf_filename", "compiled_ebpf_filename"));
        CliProcess.Result r = run(dir, "run", "opensnoop", "--metrics", "0", "--metrics-config", config.toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(true, lastLine(r).startsWith("ebpm: error: " + config + ":8: not valid YAML: "), r.stderr());
    }

    @Test
    void optionsThatNeedAnEndpointOrAMapThatIsNot(@TempDir Path dir) throws Exception {
        CliProcess.Result r = run(dir, "run", "runqlat", "--metrics-map", "start", "--duration", "1");
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: --metrics-config, --metrics-map and the other metrics options need --metrics [ADDR:]PORT or --otlp ENDPOINT", lastLine(r));
        r = run(dir, "run", "runqlat", "--metrics", "0", "--metrics-map", "nosuch", "--duration", "1");
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: --metrics-map nosuch: runqlat has no such map (maps: start, hists)", lastLine(r));
        r = run(dir, "run", "runqlat", "--metrics", "localhost:99999");
        assertEquals("ebpm: error: --metrics localhost:99999: expected [ADDR:]PORT with a port from 0 to 65535", lastLine(r));
        r = run(dir, "run", "runqlat", "--otlp", "127.0.0.1:4318");
        assertEquals("ebpm: error: --otlp 127.0.0.1:4318: expected an OTLP/HTTP endpoint such as http://127.0.0.1:4318", lastLine(r));
    }

    private static String lastLine(CliProcess.Result r) {
        String[] lines = r.stderr().strip().split("\n");
        return lines[lines.length - 1];
    }
}
