package dev.ebpm.daemon;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.runs.DaemonPaths;
import dev.ebpm.core.runs.Reconciler;
import dev.ebpm.core.runs.host.RunHost;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.metrics.MeteredRun;
import dev.ebpm.metrics.MetricsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code ebpm daemon}: one process hosting every detached run of a store. It takes the store's daemon lock (one daemon
 * per store), takes over what the last daemon left ({@link RunHost#recover}), then serves {@link DaemonApi} on the
 * store's Unix socket, which admits root and one group (mode 0660). SIGTERM, SIGINT or {@code POST /v1/shutdown} end
 * it; pinned runs stay attached for the next daemon. Started on demand (by {@code ebpm run -d}) it also ends once it
 * has hosted nothing for a while.
 */
public final class Daemon {
    /** The group admitted to the socket when none is given, if it exists (else only root). */
    public static final String DEFAULT_GROUP = "ebpm";

    /**
     * @param group        the group the socket admits besides root: a name or a number; null for {@link #DEFAULT_GROUP}
     * @param exitWhenIdle end after hosting nothing this long; null to serve until stopped
     * @param version      the ebpm version, for the status route
     */
    public record Options(String group, Duration exitWhenIdle, String version) {}

    private Daemon() {}

    /** Serves until stopped; returns the exit status. @throws RunException when it cannot start (one line) */
    public static int serve(Session session, Options options, PrintStream log) throws IOException, InterruptedException {
        if (!KernelSupport.hasBpfPrivileges()) {
            throw new RunException("the ebpm daemon loads BPF programs: it needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm daemon");
        }
        DaemonPaths paths = DaemonPaths.of(session.storeRoot());
        Files.createDirectories(paths.socket().getParent());
        if (paths.socket().toString().length() > UnixDomainServerConnector.MAX_UNIX_DOMAIN_PATH_LENGTH) {
            throw new RunException("the daemon's socket path " + paths.socket() + " is longer than the " + UnixDomainServerConnector.MAX_UNIX_DOMAIN_PATH_LENGTH
                    + " bytes a Unix socket allows: use a store with a shorter path (--store)");
        }
        try (FileChannel lockFile = FileChannel.open(paths.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                String who = paths.readInfo().filter(DaemonPaths.Info::alive).map(i -> " (pid " + i.pid() + ")").orElse("");
                throw new RunException("another ebpm daemon serves " + session.storeRoot() + who);
            }
            return serveLocked(session, options, log, paths);
        }
    }

    private static int serveLocked(Session session, Options options, PrintStream log, DaemonPaths paths) throws IOException, InterruptedException {
        Files.deleteIfExists(paths.socket()); // a socket a killed daemon left; we hold the lock
        // a run's metrics are served from this process, each run on its own port, while the run lasts
        RunHost host = new RunHost(session, (id, spec, pkg, notes) ->
                MeteredRun.open(MetricsOptions.of(spec.metrics()), pkg, Optional.of(id), options.version(), notes));
        for (String note : host.recover()) log.println("ebpm daemon: " + note);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        long pid = host.pid();
        String pidStart = Reconciler.processStart(pid).orElseThrow();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("pid", pid);
        identity.put("version", options.version());
        identity.put("store", session.storeRoot().toString());
        identity.put("socket", paths.socket().toString());
        identity.put("started_at", Instant.now().toString());

        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("ebpm-daemon-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(paths.socket());
        server.addConnector(connector);
        String group = admit(options.group());
        identity.put("group", group);
        server.setHandler(new DaemonApi(session, host, identity, stop::countDown));
        try {
            server.start();
        } catch (Exception e) {
            host.close();
            throw new RunException("the ebpm daemon cannot serve " + paths.socket() + ": " + e.getMessage());
        }
        try {
            restrict(paths.socket(), group);
            paths.writeInfo(pid, pidStart, group, options.version());
            log.println("ebpm daemon: pid " + pid + " serves " + paths.socket() + " (root" + (group == null ? "" : " and group " + group)
                    + "), hosting " + host.hosted().size() + " runs");
            // SIGTERM/SIGINT: wake the loop below and let it end the runs before the JVM halts
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    done.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // halt now
                }
            }, "ebpm-daemon-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            String classes = classPathStamp();
            while (!stop.await(5, TimeUnit.SECONDS)) {
                if (!classes.equals(classPathStamp())) {
                    // ebpm was rebuilt or upgraded in place under us: the classes still to load are gone. Leave as a
                    // kill would, now, without running more code: pinned runs stay attached for the next daemon.
                    log.println("ebpm daemon: ebpm's jar changed under this daemon: exiting; the next one adopts the pinned runs");
                    Runtime.getRuntime().halt(0);
                }
                Instant idle = host.idleSince();
                if (options.exitWhenIdle() != null && idle != null && idle.plus(options.exitWhenIdle()).isBefore(Instant.now())) {
                    log.println("ebpm daemon: nothing hosted for " + options.exitWhenIdle().toSeconds() + " s: exiting");
                    break;
                }
            }
        } finally {
            try {
                server.stop();
            } catch (Exception e) {
                log.println("ebpm daemon: stopping the server: " + e.getMessage());
            }
            host.close();
            Files.deleteIfExists(paths.socket());
            log.println("ebpm daemon: stopped; pinned runs stay attached for the next daemon");
            done.countDown();
        }
        return 0;
    }

    /** Size and modification time of every class path entry, to notice a jar replaced under the running daemon. */
    private static String classPathStamp() {
        StringBuilder b = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            java.io.File f = new java.io.File(e);
            b.append(e).append(':').append(f.length()).append(':').append(f.lastModified()).append(';');
        }
        return b.toString();
    }

    /** The group to admit: the one given, else {@link #DEFAULT_GROUP} if it exists, else none (root only). */
    private static String admit(String group) throws IOException {
        if (group != null) return group;
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(DEFAULT_GROUP);
            return DEFAULT_GROUP;
        } catch (UserPrincipalNotFoundException e) {
            return null;
        }
    }

    /** Mode 0660, group {@code group} (a name or a number), owner root: connecting to a Unix socket needs write permission. */
    private static void restrict(Path socket, String group) throws IOException {
        if (group != null) {
            if (group.chars().allMatch(Character::isDigit)) {
                Files.setAttribute(socket, "unix:gid", Integer.parseInt(group));
            } else {
                try {
                    GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                    Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(g);
                } catch (UserPrincipalNotFoundException e) {
                    throw new RunException("no group named '" + group + "' (--group): create it with groupadd, or give a number");
                }
            }
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } else {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
