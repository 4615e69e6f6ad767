package dev.ebpm.playground;

import dev.ebpm.core.run.ForegroundRun;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Run button: a built package run as {@code ebpm run --json --trace-pipe} runs it in the foreground
 * ({@link ForegroundRun#bpf}, over bpf-loader's {@link SkeletonRunner}), on a thread of its own, its output going to
 * {@link RunMessages} for the page. Stop asks the runner to return; the run is over once ForegroundRun has released
 * everything it took (links detached, buffers unmapped, object closed), and only then does the page hear "end".
 */
final class PlaygroundRun {
    /** Events as JSON lines, bpf_printk lines shown (marked), no duration: until stopped. */
    static final RunOptions OPTIONS = new RunOptions(Map.of(), EventFormatter.Mode.JSON, Optional.empty(), Optional.empty(),
            Optional.empty(), null, false, RunOptions.Printk.SHOW, OptionalLong.empty());
    /** Loading runs the verifier over every program; a large program can take a while. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final RunMessages messages = new RunMessages();
    final long startedNanos = System.nanoTime();
    private final CompletableFuture<List<String>> attached = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile SkeletonRunner runner;
    private volatile String stopReason;
    private volatile boolean followed;
    private volatile String outcome;

    private PlaygroundRun(String name) {
        this.name = name;
    }

    /** Loads and attaches the package; returns once its programs are attached, or throws why they are not. */
    static PlaygroundRun start(String name, byte[] packageJson) {
        PackageReader.Decoded decoded = PackageReader.read(packageJson, "the playground's build of " + name);
        PlaygroundRun run = new PlaygroundRun(name);
        Thread t = new Thread(() -> run.body(new RunnablePackage(name, null, "playground", decoded, null)), "ebpm-playground-run");
        t.setDaemon(true);
        t.start();
        try {
            run.attached.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return run;
        } catch (ExecutionException e) {
            throw new PlaygroundException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            run.stop("it took longer than " + START_TIMEOUT.toSeconds() + " s to load");
            throw new PlaygroundException(name + " was not loaded within " + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.stop("interrupted");
            throw new PlaygroundException("interrupted while loading " + name);
        }
    }

    private void body(RunnablePackage pkg) {
        String end = "failed";
        RunMessages.Lines events = RunMessages.lines(messages::line);
        try (PrintStream notes = new PrintStream(RunMessages.lines(messages::note), true, StandardCharsets.UTF_8)) {
            long lost = ForegroundRun.bpf(pkg, OPTIONS, events, notes, attached::complete, new RunObserver() {
                @Override
                public void started(SkeletonRunner run) {
                    runner = run;
                    if (stopReason != null) run.stop(); // Stop came while it was loading
                }
            });
            events.close();
            end = (stopReason == null ? "ended" : "stopped: " + stopReason) + (lost > 0 ? " (" + lost + " events lost: the buffer was full)" : "");
        } catch (RuntimeException e) {
            attached.completeExceptionally(e); // a no-op once attached
            end = "failed: " + e.getMessage();
        } finally {
            outcome = end;
            ended.countDown();
            messages.end(end);
        }
    }

    /** How the run ended ("stopped: the page closed", "failed: ..."), once it has; null before. */
    String outcome() {
        return isOver() ? outcome : null;
    }

    /** Asks the run to end (the first reason given is the one reported); returns at once. */
    void stop(String reason) {
        if (stopReason == null) stopReason = reason;
        SkeletonRunner r = runner;
        if (r != null) r.stop();
    }

    /** Stops and waits until everything the run took is released. */
    boolean stopAndWait(String reason, Duration timeout) throws InterruptedException {
        stop(reason);
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isOver() {
        return ended.getCount() == 0;
    }

    List<String> attachPoints() {
        return attached.getNow(List.of());
    }

    /** A page is reading this run's messages (one at a time). Returns false if one already is. */
    synchronized boolean follow() {
        if (followed) return false;
        followed = true;
        return true;
    }

    boolean followed() {
        return followed;
    }
}
