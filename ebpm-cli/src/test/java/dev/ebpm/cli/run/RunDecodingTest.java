package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every field kind the decoder handles, emitted by a real BPF program and read back as a user would. */
class RunDecodingTest {
    @Test
    void everyFieldKindDecodes() throws Exception {
        Path fixture = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/attach/all_types");
        // a child that waits for ebpm to be ready, then calls getpid()
        Process child = new ProcessBuilder("python3", "-c", "import os,sys; sys.stdin.readline(); os.getpid()").start();
        try (CliProcess ebpm = CliProcess.start("run", fixture.toString(), "--json", "--trigger_pid", Long.toString(child.pid()))) {
            ebpm.awaitStderr("running", Duration.ofSeconds(90));
            child.getOutputStream().write('\n');
            child.getOutputStream().flush();
            child.waitFor();
            JsonNode e = new ObjectMapper().readTree(ebpm.awaitLine(l -> l.startsWith("{"), Duration.ofSeconds(10)));
            assertEquals(250, e.get("u8v").asInt());
            assertEquals(-100, e.get("s8v").asInt());
            assertEquals(65000, e.get("u16v").asInt());
            assertEquals(-30000, e.get("s16v").asInt());
            assertEquals(4000000000L, e.get("u32v").asLong());
            assertEquals(-2000000000, e.get("s32v").asInt());
            assertEquals(new BigInteger("18000000000000000000"), e.get("u64v").bigIntegerValue());
            assertEquals(-9000000000000000000L, e.get("s64v").asLong());
            assertEquals(BigInteger.ONE.shiftLeft(100).add(BigInteger.valueOf(7)).toString(), e.get("u128v").asText(), "128-bit as a decimal string");
            assertEquals(BigInteger.ONE.shiftLeft(90).add(BigInteger.valueOf(3)).negate().toString(), e.get("s128v").asText());
            assertEquals(true, e.get("flag").asBoolean());
            assertEquals("BLUE", e.get("color").asText(), "enums by name");
            assertEquals("ebpm", e.get("name").asText());
            assertEquals("[[0,1,2],[10,11,12]]", e.get("grid").toString());
            ebpm.interrupt(Duration.ofSeconds(15));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void tableShowsUpperCaseHeaders() throws Exception {
        Path fixture = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/attach/all_types");
        CliProcess.Result r = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", fixture.toString(), "--duration", "0.5");
        assertEquals(0, r.exitCode(), r.stderr());
        String header = r.stdout().lines().findFirst().orElse("");
        assertEquals(java.util.List.of("TIME", "U8V", "S8V", "U16V", "S16V", "U32V", "S32V", "U64V", "S64V", "U128V", "S128V", "FLAG", "COLOR", "NAME", "GRID"),
                java.util.List.of(header.trim().split("\\s+")));
    }
}
