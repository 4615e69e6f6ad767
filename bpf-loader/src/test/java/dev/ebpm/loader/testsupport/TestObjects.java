package dev.ebpm.loader.testsupport;

import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.PackageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** BPF objects the tests load, built once per test JVM with {@code ebpm build}'s own toolchain. */
public final class TestObjects {
    private static byte[] buffers;

    private TestObjects() {}

    /**
     * src/test/resources/buffers/buffers.bpf.c: program {@code emit_records} on getpid, a 4 KiB ring
     * buffer {@code ring}, a perf event array {@code perf}, and .rodata {@code target_tgid, per_trigger}.
     *
     * @param workDir where to build it (a test's temporary directory) if it is not built yet
     */
    public static synchronized byte[] buffers(Path workDir) throws Exception {
        if (buffers == null) {
            Files.copy(Path.of(TestObjects.class.getResource("/buffers/buffers.bpf.c").toURI()), workDir.resolve("buffers.bpf.c"));
            buffers = Files.readAllBytes(new PackageBuilder().buildPackage(workDir, BuildOptions.defaults()).object());
        }
        return buffers.clone();
    }
}
