package dev.ebpm.metrics.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.metrics.ConfiguredPrograms;
import dev.ebpm.metrics.MetricsHost;
import dev.ebpm.metrics.MetricsOptions;
import dev.ebpm.metrics.RunMetrics;
import dev.ebpm.metrics.config.ConfigReader;
import dev.ebpm.metrics.config.ExporterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ebpm exporter}: eunomia-exporter's server. It runs the programs of a config, counts their events into the
 * configured counters, serves {@code GET /metrics}, and takes {@code POST /start} (one program object: answers
 * {@code {"id":N}}), {@code POST /stop} ({@code {"id":N}}) and {@code GET /list} ({@code [{"id":0,"name":"..."}]}).
 * Every program is found and checked as {@code ebpm run} would: an installed package (verified again) or one the hubs
 * serve under the trust policy; a package file or inline {@code ebpf_data} only with --allow-unsigned, since anyone who
 * can reach the port can ask for a program to be loaded.
 */
public final class Exporter implements AutoCloseable {
    /** eunomia-exporter's address. */
    public static final InetSocketAddress DEFAULT_LISTEN = new InetSocketAddress("127.0.0.1", 8526);
    private static final int MAX_BODY = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Session session;
    private final boolean allowUnsigned;
    private final int maxSeries;
    private final PrintStream log;
    private final Map<Integer, Running> running = new TreeMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private MetricsHost host;

    /** One program the exporter runs, on a thread of its own. */
    private record Running(int id, String name, SkeletonRunner runner, RunMetrics metrics, Thread thread) {}

    private Exporter(Session session, boolean allowUnsigned, int maxSeries, PrintStream log) {
        this.session = session;
        this.allowUnsigned = allowUnsigned;
        this.maxSeries = maxSeries;
        this.log = log;
    }

    /** Serves as {@code options} say, and starts every program of {@code config} (if any); nothing is left running on failure. */
    public static Exporter start(Session session, Optional<ExporterConfig> config, MetricsOptions options, boolean allowUnsigned,
            String ebpmVersion, PrintStream log) {
        if (!KernelSupport.hasBpfPrivileges()) throw new RunException("running BPF programs needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm exporter");
        Exporter e = new Exporter(session, allowUnsigned, options.maxSeries(), log);
        Map<String, HttpHandler> routes = new LinkedHashMap<>();
        routes.put("/start", e.route("POST", e::startRequest));
        routes.put("/stop", e.route("POST", e::stopRequest));
        routes.put("/list", e.route("GET", body -> e.list()));
        try {
            e.host = MetricsHost.start(options, Map.of("service.version", ebpmVersion), routes);
            if (config.isPresent()) for (ExporterConfig.Program p : config.get().programs()) e.start(p);
            return e;
        } catch (RuntimeException failure) {
            e.close();
            throw failure;
        }
    }

    public Optional<InetSocketAddress> address() {
        return host.address();
    }

    /** Locates, loads and attaches one program and counts its events from now on; returns its id. */
    public synchronized int start(ExporterConfig.Program p) {
        RunnablePackage pkg = ConfiguredPrograms.locate(new RunLocator(session), p, allowUnsigned, allowUnsigned);
        if (pkg.isWasm()) throw new RunException(p.where() + ": program '" + p.name() + "' is a WASM package; the exporter runs eBPF packages");
        int id = nextId.getAndIncrement();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("package", pkg.name());
        labels.put("run", Integer.toString(id));
        RunMetrics metrics = new RunMetrics(pkg.name(), labels, p.counters(), java.util.List.of(), maxSeries, log);
        RunOptions options = new RunOptions(Map.of(), EventFormatter.Mode.JSON, Optional.empty(), Optional.empty(), Optional.empty(), null, false,
                RunOptions.Printk.HIDE, java.util.OptionalLong.empty());
        SkeletonRunner runner = SkeletonRunner.start(pkg.bpf(), pkg.name(), options, log);
        try {
            runner.observe(metrics); // checks the counters' fields against the package's event
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        host.attach(metrics);
        Thread t = new Thread(() -> {
            try (runner) {
                runner.run(OutputStream.nullOutputStream()); // eunomia-exporter counts events; it does not print them
            } catch (RuntimeException failure) {
                log.println("ebpm: program " + id + " (" + p.name() + ") stopped: " + failure.getMessage());
            }
        }, "ebpm-exporter-" + id);
        running.put(id, new Running(id, p.name(), runner, metrics, t));
        t.start();
        log.println("ebpm: program " + id + " (" + p.name() + ") running: " + String.join(", ", runner.attachPoints()));
        return id;
    }

    /** Stops program {@code id}: detaches it and stops serving its metrics. */
    public void stop(int id) {
        Running r;
        synchronized (this) {
            r = running.remove(id);
        }
        if (r == null) throw new RunException("no program with id " + id);
        r.runner().stop();
        try {
            r.thread().join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        host.detach(r.metrics());
    }

    private synchronized String list() {
        ArrayNode a = JSON.createArrayNode();
        for (Running r : running.values()) a.addObject().put("id", r.id()).put("name", r.name());
        return a.toString();
    }

    private String startRequest(String body) {
        ExporterConfig.Program p = ConfigReader.readProgram(body, "request body", Path.of("").toAbsolutePath());
        return JSON.createObjectNode().put("id", start(p)).toString();
    }

    private String stopRequest(String body) throws IOException {
        JsonNode id = JSON.readTree(body).get("id");
        if (id == null || !id.canConvertToInt()) throw new RunException("expected {\"id\": N}");
        stop(id.asInt());
        return JSON.createObjectNode().put("id", id.asInt()).toString();
    }

    @FunctionalInterface
    private interface Action {
        String answer(String body) throws IOException;
    }

    /** A route that answers JSON: 200 with the action's answer, 400 with {"error": "..."} for what the action refused. */
    private HttpHandler route(String method, Action action) {
        return exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals(method)) {
                    exchange.getResponseHeaders().add("Allow", method);
                    send(exchange, 405, error(exchange.getRequestURI().getPath() + " takes " + method));
                    return;
                }
                String answer;
                try {
                    answer = action.answer(body(exchange.getRequestBody()));
                } catch (IOException | RuntimeException e) {
                    send(exchange, 400, error(e.getMessage() == null ? e.toString() : e.getMessage().strip().replace('\n', ' ')));
                    return;
                }
                send(exchange, 200, answer);
            }
        };
    }

    private static String body(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) throw new IOException("the request body is larger than 16 MiB");
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o.toString();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] b = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, b.length);
        exchange.getResponseBody().write(b);
    }

    /** Stops every program, then the server. */
    @Override
    public void close() {
        java.util.List<Integer> ids;
        synchronized (this) {
            ids = java.util.List.copyOf(running.keySet());
        }
        for (int id : ids) stop(id);
        if (host != null) host.close();
    }
}
