package dev.ebpm.playground;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.web.Asset;
import dev.ebpm.web.PageShell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The playground's HTTP side (Jetty 12 core API): the token gate, the page and its two assets, and the JSON API the
 * page's script calls. A request without the token (the {@code token} query parameter, or the cookie the page gets
 * from it) is refused with 403 before anything else; state-changing requests are POSTs of {@code application/json},
 * which a page of another site cannot send without a preflight that is never answered.
 */
final class PlaygroundHandler extends Handler.Abstract {
    static final String COOKIE = "ebpm_playground";
    private static final int MAX_BODY = 2 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Playground playground;
    private final byte[] token;
    private final String cookieValue;

    PlaygroundHandler(Playground playground, String token) {
        this.playground = playground;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.cookieValue = COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        boolean viaQuery = matches(Request.extractQueryParameters(request).getValue("token"));
        if (!viaQuery && !matches(cookie(request))) {
            send(response, callback, 403, "text/plain; charset=utf-8",
                    "403 forbidden: open the address ebpm playground printed (it carries the token)\n".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        if (viaQuery) response.getHeaders().add(HttpHeader.SET_COOKIE, cookieValue);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            if (HttpMethod.GET.is(method)) {
                switch (path) {
                    case "/" -> page(response, callback);
                    case "/api/sources" -> json(response, callback, 200, sources());
                    case "/api/source" -> json(response, callback, 200, source(Request.extractQueryParameters(request).getValue("from")));
                    case "/api/events" -> EventStream.follow(playground, response, callback);
                    default -> {
                        if (!asset(path, response, callback)) error(response, callback, 404, "no such page: " + path);
                    }
                }
                return true;
            }
            if (!HttpMethod.POST.is(method)) {
                error(response, callback, 405, method + " is not served here");
                return true;
            }
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                error(response, callback, 415, "POST application/json");
                return true;
            }
            JsonNode body = body(request);
            playground.touch();
            switch (path) {
                case "/api/build" -> json(response, callback, 200, build(program(body)));
                case "/api/run" -> run(program(body), response, callback);
                case "/api/stop" -> json(response, callback, 200, stopRun());
                case "/api/save" -> json(response, callback, 200, save(program(body.path("program")), body.path("as").asText(null)));
                default -> error(response, callback, 404, "no such endpoint: " + path);
            }
        } catch (Playground.Busy e) {
            error(response, callback, 409, e.getMessage());
        } catch (PlaygroundException e) {
            error(response, callback, 400, e.getMessage());
        } catch (RuntimeException | IOException e) {
            error(response, callback, 500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return true;
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII));
    }

    private static String cookie(Request request) {
        for (HttpCookie c : Request.getCookies(request)) if (c.getName().equals(COOKIE)) return c.getValue();
        return null;
    }

    private void page(Response response, Callback callback) {
        for (Map.Entry<String, String> h : PageShell.HEADERS.entrySet()) response.getHeaders().put(h.getKey(), h.getValue());
        send(response, callback, 200, PageShell.CONTENT_TYPE, PlaygroundPage.render(playground.saveDir(), Playground.canRun()));
    }

    private static boolean asset(String path, Response response, Callback callback) {
        for (Asset a : new Asset[] {PageShell.STYLESHEET, PlaygroundPage.SCRIPT}) {
            if (a.path().equals(path)) {
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, Asset.CACHE_CONTROL);
                send(response, callback, 200, a.contentType(), a.bytes());
                return true;
            }
        }
        return false;
    }

    private ObjectNode sources() {
        ObjectNode o = JSON.createObjectNode();
        o.put("template", ProgramSources.TEMPLATE_NAME);
        ArrayNode list = o.putArray("installed");
        for (ProgramSources.Installed i : playground.sources.installed()) {
            list.addObject().put("name", i.name()).put("version", i.version()).put("description", i.description());
        }
        ArrayNode examples = o.putArray("examples");
        playground.sources.examples().forEach(examples::add);
        return o;
    }

    private ObjectNode source(String from) {
        playground.touch();
        if (from == null || from.equals("template:")) return program(playground.sources.template());
        if (from.startsWith("package:")) return program(playground.sources.installed(from.substring("package:".length())));
        if (from.startsWith("example:")) return program(playground.sources.example(from.substring("example:".length())));
        throw new PlaygroundException("from=" + from + ": expected template:, package:NAME or example:NAME");
    }

    private ObjectNode build(ProgramFiles program) {
        return outcome(playground.builds.build(program));
    }

    private void run(ProgramFiles program, Response response, Callback callback) {
        ProgramBuild.Outcome built = playground.builds.build(program);
        if (!built.ok()) {
            json(response, callback, 200, outcome(built).put("stage", "build"));
            return;
        }
        ObjectNode o = JSON.createObjectNode();
        try {
            PlaygroundRun run = playground.startRun(program.name(), built.packageJson());
            int n = run.attachPoints().size();
            o.put("ok", true).put("message", "running " + program.name() + ": " + n + (n == 1 ? " program" : " programs") + " attached");
            ArrayNode points = o.putArray("attachPoints");
            run.attachPoints().forEach(points::add);
        } catch (Playground.Busy e) {
            throw e;
        } catch (PlaygroundException e) {
            o.put("ok", false).put("stage", "run").put("message", e.getMessage());
        }
        json(response, callback, 200, o);
    }

    private ObjectNode stopRun() {
        ObjectNode o = JSON.createObjectNode();
        var run = playground.currentRun();
        run.ifPresent(r -> r.stop("Stop was pressed"));
        return o.put("ok", true).put("message", run.isPresent() ? "stopping " + run.get().name : "nothing is running");
    }

    private ObjectNode save(ProgramFiles program, String as) {
        Path dir = playground.saver.save(program, as == null ? program.name() : as);
        return JSON.createObjectNode().put("ok", true).put("path", dir.toString())
                .put("message", "saved " + dir + " (build it with: ebpm build " + dir + ")");
    }

    private static ObjectNode outcome(ProgramBuild.Outcome b) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ok", b.ok()).put("message", b.message()).put("output", b.toolOutput()).put("millis", b.millis());
        ArrayNode ds = o.putArray("diagnostics");
        for (Diagnostic d : b.diagnostics()) {
            ds.addObject().put("file", d.file()).put("line", d.line()).put("column", d.column()).put("severity", d.severity())
                    .put("message", d.message());
        }
        return o;
    }

    private static ObjectNode program(ProgramFiles p) {
        ObjectNode o = JSON.createObjectNode().put("name", p.name());
        ObjectNode files = o.putObject("files");
        p.files().forEach(files::put);
        return o;
    }

    private static ProgramFiles program(JsonNode body) {
        if (!body.path("name").isTextual() || !body.path("files").isObject()) {
            throw new PlaygroundException("expected {\"name\": NAME, \"files\": {FILE: TEXT, ...}}");
        }
        SortedMap<String, String> files = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.get("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) throw new PlaygroundException("file '" + f.getKey() + "': expected its text");
            files.put(f.getKey(), f.getValue().asText());
        }
        return new ProgramFiles(body.get("name").asText(), files);
    }

    private static JsonNode body(Request request) throws IOException {
        long length = request.getLength();
        if (length > MAX_BODY) throw new PlaygroundException("request body of " + length + " bytes; at most " + MAX_BODY);
        byte[] bytes = Content.Source.asInputStream(request).readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) throw new PlaygroundException("request body over " + MAX_BODY + " bytes");
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) throw new PlaygroundException("expected a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new PlaygroundException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static void json(Response response, Callback callback, int status, ObjectNode o) {
        try {
            send(response, callback, status, "application/json", JSON.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            callback.failed(e);
        }
    }

    private static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, JSON.createObjectNode().put("ok", false).put("message", message));
    }

    private static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
