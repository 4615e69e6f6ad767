package dev.ebpm.playground;

import dev.ebpm.core.session.Session;
import dev.ebpm.loader.KernelSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code ebpm playground}: a page on a loopback address that edits an eBPF program, builds it as {@code ebpm build}
 * does, runs it as {@code ebpm run} does and streams its events live, and saves it as a package directory. Whoever
 * reaches the page can load programs into this kernel, so it is served on loopback only, and every request must carry
 * the random token of the URL {@link #url()} gives (as {@code ?token=}, or the cookie the page sets from it).
 * One run at a time; a run is stopped when its page closes, when nobody used the page for the idle timeout, and when
 * the playground closes.
 */
public final class Playground implements AutoCloseable {
    /**
     * @param bind        a loopback address or name (127.0.0.1, ::1, localhost); anything else is refused
     * @param port        0 picks a free port
     * @param saveDir     where Save as package writes NAME/
     * @param idleTimeout a run whose page made no request (build, run, stop, save) for this long is stopped
     */
    public record Options(String bind, int port, Path saveDir, Duration idleTimeout) {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

        public static Options defaults(Path saveDir) {
            return new Options("127.0.0.1", 0, saveDir, DEFAULT_IDLE_TIMEOUT);
        }

        public Options withBind(String v) {
            return new Options(v, port, saveDir, idleTimeout);
        }

        public Options withPort(int v) {
            return new Options(bind, v, saveDir, idleTimeout);
        }

        public Options withIdleTimeout(Duration v) {
            return new Options(bind, port, saveDir, v);
        }
    }

    /** A run nobody follows (no page read its events) this long after it started is stopped. */
    static final Duration UNFOLLOWED_TIMEOUT = Duration.ofSeconds(10);

    private final Server server;
    private final ServerConnector connector;
    private final InetAddress address;
    private final String token;
    private final Path workDir;
    private final Options options;
    final ProgramSources sources;
    final ProgramBuild builds;
    final PackageSaver saver;
    private final ScheduledExecutorService watchdog;
    private PlaygroundRun run;
    private boolean starting;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long lastActivityNanos = System.nanoTime();

    private Playground(Options options, InetAddress address, Session session) throws IOException {
        this.options = options;
        this.address = address;
        this.token = newToken();
        this.workDir = Files.createTempDirectory("ebpm-playground-");
        this.sources = new ProgramSources(session, workDir);
        this.builds = new ProgramBuild(workDir);
        this.saver = new PackageSaver(options.saveDir());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("playground");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(address.getHostAddress());
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setHandler(new PlaygroundHandler(this, token));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebpm-playground-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Serves the playground until {@link #close()}.
     *
     * @param session where installed packages are read from (the selector of sources)
     * @throws PlaygroundException for an address that is not loopback, or one that cannot be bound
     */
    public static Playground start(Session session, Options options) {
        InetAddress address = loopback(options.bind());
        Playground p;
        try {
            p = new Playground(options, address, session);
        } catch (IOException e) {
            throw new PlaygroundException("cannot create the playground's work directory: " + e.getMessage(), e);
        }
        try {
            p.server.start();
        } catch (Exception e) {
            p.close();
            throw new PlaygroundException("cannot serve the playground at " + options.bind() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        p.watchdog.scheduleWithFixedDelay(p::watch, 1, 1, TimeUnit.SECONDS);
        return p;
    }

    /** The address, if it is a loopback one: a playground reachable from elsewhere would load anyone's programs. */
    static InetAddress loopback(String bind) {
        InetAddress a;
        try {
            a = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new PlaygroundException("--bind " + bind + ": unknown host");
        }
        if (!a.isLoopbackAddress()) {
            throw new PlaygroundException("--bind " + bind + ": the playground serves loopback addresses only (127.0.0.1, ::1, localhost), "
                    + "since whoever reaches it can load programs into this kernel");
        }
        return a;
    }

    private static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The page's address with its token: what to open in a browser. */
    public URI url() {
        return base().resolve("/?token=" + token);
    }

    /** The page's address without the token (every request to it is refused). */
    public URI base() {
        String host = address.getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    }

    public Path saveDir() {
        return saver.parent();
    }

    /** Whether programs can be run here (root, or CAP_BPF and CAP_PERFMON); building needs neither. */
    public static boolean canRun() {
        return KernelSupport.hasBpfPrivileges();
    }

    /** The page did something: the idle clock starts again. */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** The run going on, if any. */
    synchronized Optional<PlaygroundRun> currentRun() {
        return Optional.ofNullable(run).filter(r -> !r.isOver());
    }

    /** The last run started (over or not), for its page to follow. */
    synchronized Optional<PlaygroundRun> lastRun() {
        return Optional.ofNullable(run);
    }

    /** Whether a run is going on: loaded, or not yet released. */
    public boolean running() {
        return currentRun().isPresent();
    }

    /** Starts a run of a successful build; refuses while another run is going on. */
    PlaygroundRun startRun(String name, byte[] packageJson) {
        synchronized (this) {
            if (starting || currentRun().isPresent()) throw new Busy("a run is going on (" + (starting ? "loading" : run.name) + "): stop it first");
            starting = true;
        }
        try {
            PlaygroundRun started = PlaygroundRun.start(name, packageJson); // outside the lock: the verifier may take a while
            synchronized (this) {
                run = started;
            }
            return started;
        } finally {
            synchronized (this) {
                starting = false;
            }
        }
    }

    /** Asked to run while a run goes on. */
    static final class Busy extends PlaygroundException {
        Busy(String message) {
            super(message);
        }
    }

    /** Stops a run nobody follows and a run whose page went idle. */
    private void watch() {
        Optional<PlaygroundRun> r = currentRun();
        if (r.isEmpty()) return;
        long now = System.nanoTime();
        if (!r.get().followed() && now - r.get().startedNanos > UNFOLLOWED_TIMEOUT.toNanos()) {
            r.get().stop("no page followed the run for " + UNFOLLOWED_TIMEOUT.toSeconds() + " s");
        } else if (now - lastActivityNanos > options.idleTimeout().toNanos()) {
            r.get().stop("the page was idle for " + describe(options.idleTimeout()));
        }
    }

    private static String describe(Duration d) {
        return d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    /** Stops the run (waiting until everything it loaded is released), then the server; removes the work directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return; // Ctrl-C's hook and the command both close it
        watchdog.shutdownNow();
        try {
            Optional<PlaygroundRun> r = currentRun();
            if (r.isPresent() && !r.get().stopAndWait("the playground closed", Duration.ofSeconds(10))) {
                throw new PlaygroundException("the run of " + r.get().name + " did not end within 10 s of Stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                server.stop();
            } catch (Exception e) {
                throw new PlaygroundException("stopping the playground's server: " + e.getMessage(), e);
            } finally {
                deleteTree(workDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind holds sources and a build, nothing loaded
        }
    }
}
