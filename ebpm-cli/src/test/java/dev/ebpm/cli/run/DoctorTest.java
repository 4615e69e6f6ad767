package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `ebpm doctor` reports what the kernel really does, checked against independent evidence. */
class DoctorTest {
    private static JsonNode check(JsonNode all, String feature) {
        for (JsonNode c : all) if (c.get("feature").asText().equals(feature)) return c;
        throw new AssertionError("doctor has no line for " + feature + ": " + all);
    }

    @Test
    void jsonReportMatchesTheKernel() throws Exception {
        CliProcess.Result r = CliProcess.run("doctor", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode all = new ObjectMapper().readTree(r.stdout());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(), check(all, "kernel").get("detail").asText());
        assertEquals(Files.exists(Path.of("/sys/kernel/btf/vmlinux")), check(all, "kernel BTF").get("ok").asBoolean());
        assertEquals(Files.exists(Path.of("/sys/bus/event_source/devices/kprobe")), check(all, "kprobe").get("ok").asBoolean());
        assertEquals(Files.exists(Path.of("/sys/bus/event_source/devices/uprobe")), check(all, "uprobe").get("ok").asBoolean());
        // the sigsnoop tests load a ring buffer on this kernel, so the probe must agree
        assertTrue(check(all, "ring buffer").get("ok").asBoolean());
        assertTrue(check(all, "tracepoint").get("ok").asBoolean());
    }

    @Test
    void fentryProbeAgreesWithARealFentryProgram() throws Exception {
        JsonNode all = new ObjectMapper().readTree(CliProcess.run("doctor", "--json").stdout());
        boolean probe = check(all, "fentry/fexit").get("ok").asBoolean();
        Path fixture = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/refused/fentry");
        CliProcess.Result run = CliProcess.run(java.util.Map.of(), java.time.Duration.ofSeconds(120), "run", fixture.toString(), "--duration", "0.5");
        assertEquals(probe, run.exitCode() == 0, "doctor says fentry " + probe + " but running one gave: " + run.stderr());
    }

    @Test
    void tableHasAHeaderAndOneLinePerCheck() throws Exception {
        CliProcess.Result r = CliProcess.run("doctor");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("GROUP"), r.stdout());
        assertTrue(r.stdout().contains("fentry/fexit"), r.stdout());
    }
}
