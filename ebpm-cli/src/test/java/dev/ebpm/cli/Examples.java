package dev.ebpm.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The bundled examples built the way their READMEs say, {@code ebpm build examples/NAME}, with {@code -o} into
 * ebpm-cli/target (the checkout is never written), once per test JVM. Builds are reproducible, so this is byte for
 * byte what the embedded examples hub serves.
 */
public final class Examples {
    private static final Set<String> BUILT = new HashSet<>();

    private Examples() {}

    /** The output directory of {@code ebpm build examples/NAME -o DIR}: DIR/package.json and DIR/NAME.bpf.o. */
    public static synchronized Path built(String name) {
        Path out = CliProcess.repoRoot().resolve("ebpm-cli/target/examples-build").resolve(name);
        if (BUILT.add(name)) {
            CliProcess.Result r = InProcess.execute("build", CliProcess.repoRoot().resolve("examples").resolve(name).toString(), "-o", out.toString());
            if (r.exitCode() != 0) {
                BUILT.remove(name);
                throw new AssertionError("ebpm build examples/" + name + " failed: " + r.stderr());
            }
        }
        return out;
    }
}
