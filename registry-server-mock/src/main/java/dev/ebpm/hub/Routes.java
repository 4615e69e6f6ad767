package dev.ebpm.hub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hub's URL space: templates such as {@code /blobs/sha256/{digest}} (a {@code {name}} matches one whole segment),
 * each with the methods it allows and its endpoint. The first template that matches the path decides: its endpoint
 * for an allowed method, else 405; no template matching is a 404. Adding a page is one more {@link #add} line.
 */
final class Routes {
    /** Answers one request. */
    interface Endpoint {
        Reply handle(Exchange exchange) throws IOException;
    }

    /** A matched route: the endpoint and the named segments. */
    record Match(Endpoint endpoint, Map<String, String> params) {}

    private record Route(String template, String[] segments, Set<String> methods, Endpoint endpoint) {}

    private final List<Route> routes = new ArrayList<>();

    /** @param methods the methods allowed, space-separated ({@code "GET HEAD"}) */
    Routes add(String methods, String template, Endpoint endpoint) {
        routes.add(new Route(template, split(template), Set.of(methods.split(" ")), endpoint));
        return this;
    }

    /** The endpoint for {@code method} on {@code path}; 404 if no template matches, 405 if the method is not allowed. */
    Match find(String method, String path) {
        String[] segments = split(path);
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), segments);
            if (params == null) continue;
            if (!r.methods().contains(method)) {
                throw new HubException(405, "method_not_allowed", method + " is not allowed on " + path + ": it takes "
                        + String.join(" or ", r.methods().stream().sorted().toList()));
            }
            return new Match(r.endpoint(), params);
        }
        throw HubException.notFound("no such resource: " + path);
    }

    private static Map<String, String> match(String[] template, String[] path) {
        if (template.length != path.length) return null;
        Map<String, String> params = null;
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.length() > 2 && t.charAt(0) == '{' && t.charAt(t.length() - 1) == '}') {
                if (path[i].isEmpty()) return null;
                if (params == null) params = new HashMap<>(4);
                params.put(t.substring(1, t.length() - 1), path[i]);
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    /** "/" → no segments; "/a/b" → [a, b]; a trailing slash is a last, empty segment. */
    private static String[] split(String path) {
        return path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
    }
}
