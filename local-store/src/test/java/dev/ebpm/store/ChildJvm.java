package dev.ebpm.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@link StoreWorker} in a fresh JVM with this test's classpath. */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder worker(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // children are short-lived: skip the optimizing JIT, start fast
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(StoreWorker.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb;
    }

    private static String classpath() {
        // surefire may hand the JVM a manifest-only jar; its real classpath is in surefire.test.class.path
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        return cp.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    static String drain(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes());
    }
}
