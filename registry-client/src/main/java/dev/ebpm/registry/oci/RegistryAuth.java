package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Authentication with one registry, as the distribution spec's clients do it: requests go out anonymously (or with what
 * worked before); a 401 carries a challenge ({@code WWW-Authenticate: Basic realm=...} or
 * {@code Bearer realm=...,service=...,scope=...}); Basic is answered with the stored credentials, Bearer by asking the
 * realm for a token for that scope (with the credentials as Basic auth, or an identity token as an OAuth2 refresh
 * token), cached per scope until it expires. Credentials are looked up only when a challenge asks for them.
 */
final class RegistryAuth {
    private record Token(String value, Instant expires) {}

    private final String registry;
    private final Http http;
    private final Supplier<Optional<DockerConfig.Credentials>> credentialSource;
    private Optional<DockerConfig.Credentials> credentials;
    private final Map<String, Token> tokens = new HashMap<>();
    private boolean basic;

    RegistryAuth(String registry, Http http, Supplier<Optional<DockerConfig.Credentials>> credentials) {
        this.registry = registry;
        this.http = http;
        this.credentialSource = credentials;
    }

    /** The Authorization header for a request within {@code scope}, if one is known to be needed. */
    synchronized Map<String, String> headers(String scope) {
        Token t = tokens.get(scope);
        if (t != null && t.expires().isAfter(Instant.now().plusSeconds(5))) return Map.of("Authorization", "Bearer " + t.value());
        if (basic) return credentials().map(c -> Map.of("Authorization", basicHeader(c))).orElse(Map.of());
        return Map.of();
    }

    /** Answers a 401 for {@code scope}; true if the request is worth sending again (with {@link #headers}). */
    synchronized boolean challenged(Response r, String scope) {
        List<Map<String, String>> challenges = parse(r.headers("WWW-Authenticate"));
        for (Map<String, String> c : challenges) {
            String scheme = c.get("");
            if ("bearer".equals(scheme) && c.containsKey("realm")) {
                tokens.put(scope, fetchToken(c, scope));
                return true;
            }
        }
        for (Map<String, String> c : challenges) {
            if ("basic".equals(c.get("")) && !basic && credentials().isPresent()) {
                basic = true;
                return true;
            }
        }
        return false;
    }

    /** The one-line reason a request stayed unauthorized: no credentials, or credentials refused. */
    synchronized String refusal() {
        return credentials().isPresent()
                ? "the registry refused the credentials for " + registry + " (check them: ebpm login " + registry + ")"
                : "the registry wants credentials for " + registry + ": ebpm login " + registry + " (or docker login)";
    }

    private Optional<DockerConfig.Credentials> credentials() {
        if (credentials == null) credentials = credentialSource.get();
        return credentials;
    }

    private Token fetchToken(Map<String, String> challenge, String scope) {
        String realm = challenge.get("realm");
        HttpUrl url = HttpUrl.parse(realm);
        if (url == null) throw new RegistryException("registry " + registry + " names an invalid token realm " + realm);
        String service = challenge.get("service");
        // the challenge says which scope this request needs (e.g. pull and push, or two repositories for a mount)
        String wanted = challenge.getOrDefault("scope", scope);
        Optional<DockerConfig.Credentials> creds = credentials();
        Response r;
        if (creds.isPresent() && creds.get().identityToken()) {
            FormBody.Builder form = new FormBody.Builder().add("grant_type", "refresh_token").add("refresh_token", creds.get().secret())
                    .add("client_id", "ebpm");
            if (service != null) form.add("service", service);
            for (String s : wanted.split(" ")) if (!s.isBlank()) form.add("scope", s);
            r = http.send(new Request.Builder().url(url).post(form.build()).build());
        } else {
            HttpUrl.Builder b = url.newBuilder();
            if (service != null) b.addQueryParameter("service", service);
            for (String s : wanted.split(" ")) if (!s.isBlank()) b.addQueryParameter("scope", s);
            Map<String, String> h = creds.map(c -> Map.of("Authorization", basicHeader(c))).orElse(Map.of());
            r = http.get(b.build().toString(), h);
        }
        try (r) {
            if (r.code() == 401 || r.code() == 403) throw new RegistryException("token service " + url.host() + ": " + refusal());
            if (r.code() != 200) throw new RegistryException("token service " + realm + " answered HTTP " + r.code());
            JsonNode n = OciDocument.JSON.readTree(Http.readBounded(r, 1 << 20, "token from " + url.host()));
            String token = n.hasNonNull("token") ? n.get("token").asText() : n.path("access_token").asText(null);
            if (token == null || token.isEmpty()) throw new RegistryException("token service " + realm + " answered without a token");
            long ttl = n.path("expires_in").asLong(60);
            return new Token(token, Instant.now().plusSeconds(Math.max(ttl, 10)));
        } catch (IOException e) {
            throw new RegistryException("token service " + realm + " answered something that is not JSON");
        }
    }

    static String basicHeader(DockerConfig.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 7235 challenges: {@code Scheme k=v, k="v", ...}, several per header or several headers; scheme under "". */
    static List<Map<String, String>> parse(List<String> headers) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String h : headers) {
            int i = 0;
            Map<String, String> cur = null;
            while (i < h.length()) {
                while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) i++;
                int start = i;
                while (i < h.length() && h.charAt(i) != ' ' && h.charAt(i) != '=' && h.charAt(i) != ',') i++;
                String token = h.substring(start, i);
                if (token.isEmpty()) break;
                if (i < h.length() && h.charAt(i) == '=') {
                    i++;
                    String value;
                    if (i < h.length() && h.charAt(i) == '"') {
                        StringBuilder v = new StringBuilder();
                        i++;
                        while (i < h.length() && h.charAt(i) != '"') {
                            if (h.charAt(i) == '\\' && i + 1 < h.length()) i++;
                            v.append(h.charAt(i++));
                        }
                        i++;
                        value = v.toString();
                    } else {
                        int vs = i;
                        while (i < h.length() && h.charAt(i) != ',') i++;
                        value = h.substring(vs, i).strip();
                    }
                    if (cur != null) cur.put(token.toLowerCase(java.util.Locale.ROOT), value);
                } else {
                    cur = new LinkedHashMap<>();
                    cur.put("", token.toLowerCase(java.util.Locale.ROOT));
                    out.add(cur);
                }
            }
        }
        return out;
    }
}
