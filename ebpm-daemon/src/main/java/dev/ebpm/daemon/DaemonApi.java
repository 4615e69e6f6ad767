package dev.ebpm.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.run.RunException;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.runs.PackageCopy;
import dev.ebpm.core.runs.RunLogs;
import dev.ebpm.core.runs.RunSpec;
import dev.ebpm.core.runs.RunStatus;
import dev.ebpm.core.runs.host.RunHost;
import dev.ebpm.core.session.Session;
import dev.ebpm.store.RunRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The daemon's HTTP/JSON API (docs/lifecycle.md has it with examples): runs started, listed, stopped, their logs
 * (followed as they grow), the daemon's status and the runs' counters. Every answer is JSON except a log, which is
 * text; a refusal is a status and {@code {"error": "one line"}}. Handlers may block: Jetty runs them on its pool.
 */
final class DaemonApi extends Handler.Abstract {
    /**
     * The largest start request: the package bytes, base64, inside JSON (24 MiB of package; a BPF object is rarely a
     * tenth of that). Read whole, then decoded: it has to fit the daemon's small heap twice over.
     */
    static final int MAX_BODY = 32 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN = Pattern.compile("/v1/runs/([^/]+)(/stop|/logs)?");

    /** A start request: what to run and the package bytes (base64 in JSON). */
    record StartRequest(RunSpec spec, Map<String, byte[]> files) {}

    private final Session session;
    private final RunHost host;
    private final Map<String, Object> identity;
    private final Runnable shutdown;

    DaemonApi(Session session, RunHost host, Map<String, Object> identity, Runnable shutdown) {
        this.session = session;
        this.host = host;
        this.identity = identity;
        this.shutdown = shutdown;
    }

    /** A refusal with its HTTP status. */
    private static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        int uid = PeerCredentials.uid(request);
        try {
            if (path.equals("/v1/status") && method.equals("GET")) return json(response, callback, 200, status());
            if (path.equals("/v1/metrics") && method.equals("GET")) return json(response, callback, 200, metrics());
            if (path.equals("/v1/runs") && method.equals("GET")) return json(response, callback, 200, list(request, uid));
            if (path.equals("/v1/runs") && method.equals("POST")) return json(response, callback, 201, start(request, uid));
            if (path.equals("/v1/shutdown") && method.equals("POST")) {
                if (uid != 0) throw new Refused(403, "only root may shut the ebpm daemon down");
                json(response, callback, 202, Map.of("shutting_down", true));
                shutdown.run();
                return true;
            }
            Matcher m = RUN.matcher(path);
            if (m.matches()) {
                String id = m.group(1);
                if (m.group(2) == null && method.equals("GET")) return json(response, callback, 200, one(id, uid));
                if ("/stop".equals(m.group(2)) && method.equals("POST")) return json(response, callback, 200, stop(request, id, uid));
                if ("/logs".equals(m.group(2)) && method.equals("GET")) return logs(request, response, callback, id, uid);
            }
            throw new Refused(404, "no such route: " + method + " " + path + " (see docs/lifecycle.md)");
        } catch (Refused e) {
            return json(response, callback, e.status, Map.of("error", e.getMessage()));
        } catch (RunException e) {
            return json(response, callback, 422, Map.of("error", e.getMessage()));
        } catch (dev.ebpm.store.StoreException | dev.ebpm.loader.BpfException e) {
            return json(response, callback, 500, Map.of("error", e.getMessage()));
        }
    }

    private Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>(identity);
        m.put("hosted", host.hosted().size());
        m.put("runs", host.hosted());
        m.put("rss_kib", rssKib());
        return m;
    }

    /** Until issue 15 brings Prometheus text: each hosted run's counters. */
    private Map<String, Object> metrics() {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Map.Entry<String, RunStatus> e : host.counters().entrySet()) {
            runs.add(Map.of("id", e.getKey(), "events", e.getValue().events(), "events_lost", e.getValue().lost()));
        }
        return Map.of("runs", runs);
    }

    private List<Map<String, Object>> list(Request request, int uid) {
        boolean all = "true".equals(param(request, "all"));
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (DetachedRuns.Listed l : new DetachedRuns(session).list(all)) {
            if (uid == 0 || uid == l.run().uid()) out.add(l.json(now));
        }
        return out;
    }

    private Map<String, Object> one(String id, int uid) {
        RunRecord r = owned(id, uid);
        for (DetachedRuns.Listed l : new DetachedRuns(session).list(true)) if (l.run().id().equals(r.id())) return l.json(Instant.now());
        throw new Refused(404, "no run with id " + id + " (see ebpm ps -a)");
    }

    private RunRecord owned(String id, int uid) {
        RunRecord r = new DetachedRuns(session).find(id);
        if (uid != 0 && uid != r.uid()) throw new Refused(403, "run " + id + " belongs to uid " + r.uid());
        return r;
    }

    private Map<String, Object> start(Request request, int uid) throws IOException {
        if (uid < 0) throw new Refused(403, "cannot tell who is asking (no peer credentials)");
        StartRequest req;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) throw new Refused(413, "a start request is at most " + (MAX_BODY >> 20) + " MiB");
            req = JSON.readValue(body, StartRequest.class);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "a start request is {\"spec\": {...}, \"files\": {...}}: " + e.getOriginalMessage());
        }
        if (req.spec() == null || req.files() == null) throw new Refused(400, "a start request needs \"spec\" and \"files\"");
        RunHost.Started s = host.start(req.spec(), new PackageCopy(req.files()), uid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("state", "running");
        m.put("attach_points", s.attachPoints());
        m.put("pinned", s.pinned());
        m.put("metrics", s.metrics().map(DaemonApi::hostPort).orElse(null));
        return m;
    }

    private Map<String, Object> stop(Request request, String id, int uid) {
        String ms = param(request, "timeout_ms");
        Duration timeout = Duration.ofMillis(ms == null ? 10_000 : Long.parseLong(ms));
        RunHost.Stopped s = host.stop(id, timeout, uid);
        if (!s.hosted()) throw new Refused(404, "run " + id + " is not hosted by this daemon");
        return Map.of("id", id, "in_time", s.inTime());
    }

    private boolean logs(Request request, Response response, Callback callback, String id, int uid) throws IOException {
        owned(id, uid);
        boolean follow = "true".equals(param(request, "follow"));
        boolean timestamps = "true".equals(param(request, "timestamps"));
        String since = param(request, "since");
        Instant from;
        try {
            from = since == null ? null : Instant.parse(since);
        } catch (java.time.format.DateTimeParseException e) {
            throw new Refused(400, "since is an instant (2025-01-02T03:04:05Z), got '" + since + "'");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            new RunLogs(session).print(id, from, timestamps, follow, new RunLogs.Sink() {
                @Override
                public void line(String text) {
                    try {
                        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                @Override
                public void flush() {
                    try {
                        out.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e); // the client hung up: stop following
                    }
                }
            });
            callback.succeeded();
        } catch (java.io.UncheckedIOException | InterruptedException e) {
            callback.failed(e);
        }
        return true;
    }

    /** {@code 127.0.0.1:9464}, {@code [::1]:9464}: where a run's /metrics is. */
    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String param(Request request, String name) {
        Fields f = Request.extractQueryParameters(request);
        return f.getValue(name);
    }

    private static boolean json(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
        return true;
    }

    /** The daemon's resident memory, from /proc/self/status. */
    static long rssKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
