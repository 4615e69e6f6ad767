package dev.ebpm.core.run;

import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.wasm.WasmOptions;
import dev.ebpm.loader.wasm.WasmRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code ebpm run PKG} in the foreground: load, attach, stream events to {@code out} until the package ends, the
 * duration is up, or Ctrl-C/SIGTERM; a shutdown hook stops the run and waits for everything it acquired to be released
 * (links detached, buffers unmapped, object closed) before the JVM exits.
 */
public final class ForegroundRun {
    /** Told once the programs are attached (the CLI prints "running"). */
    @FunctionalInterface
    public interface Attached {
        void attached(List<String> attachPoints);
    }

    private ForegroundRun() {
    }

    /**
     * Runs an eBPF package; returns how many events were lost (buffer full).
     *
     * @param observer follows the run (its metrics), or null
     */
    public static long bpf(RunnablePackage pkg, RunOptions options, OutputStream out, PrintStream log, Attached attached, RunObserver observer) {
        requirePrivileges(pkg);
        SkeletonRunner runner = SkeletonRunner.start(pkg.bpf(), pkg.name(), options, log);
        untilStopped(runner::stop, () -> {
            try (runner) {
                if (observer != null) runner.observe(observer);
                attached.attached(runner.attachPoints());
                runner.run(out);
            }
            return null;
        });
        return runner.eventsLost();
    }

    /** Runs a WASM guest; returns its exit code. */
    public static int wasm(RunnablePackage pkg, List<String> guestArgs, WasmOptions options) {
        requirePrivileges(pkg);
        WasmRunner runner = new WasmRunner();
        return untilStopped(runner::stop, () -> runner.run(pkg.wasm(), pkg.name(), guestArgs, options));
    }

    private static void requirePrivileges(RunnablePackage pkg) {
        if (!KernelSupport.hasBpfPrivileges()) {
            throw new RunException("running BPF programs needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm run " + pkg.name());
        }
    }

    /**
     * Runs {@code body} with a shutdown hook that, on Ctrl-C or SIGTERM, calls {@code stop} and then waits (up to 5 s) for
     * {@code body} to return, so that everything it acquired is released before the JVM exits.
     */
    static <T> T untilStopped(Runnable stop, Supplier<T> body) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "ebpm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.get();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running and waits for us
            }
        }
    }
}
