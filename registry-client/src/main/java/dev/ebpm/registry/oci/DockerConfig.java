package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Registry credentials where Docker, skopeo and ecli keep them: a {@code config.json} with {@code auths} (base64
 * {@code user:password} in {@code auth}, or {@code username}/{@code password}, or an {@code identitytoken}),
 * {@code credHelpers} (registry → helper name) and {@code credsStore} (the default helper). A helper is the program
 * {@code docker-credential-NAME}, spoken to as Docker does ({@code get}/{@code store}/{@code erase}, JSON on stdin and
 * stdout). Secrets never reach a message: a failing helper is named with its exit status only.
 */
public final class DockerConfig {
    /** A username and its secret; an identity token (a refresh token) has no username. */
    public record Credentials(String username, String secret, boolean identityToken) {
        @Override
        public String toString() {
            return "Credentials[" + (identityToken ? "identity token" : username) + "]"; // never the secret
        }
    }

    private static final Pattern HELPER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final long HELPER_TIMEOUT_SECONDS = 30;
    private final Path file;

    public DockerConfig(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The credentials for {@code registry} (host[:port]), if any: its helper, else {@code auths}, else the default store. */
    public Optional<Credentials> lookup(String registry) {
        ObjectNode root = read();
        String helper = root.path("credHelpers").path(registry).asText(null);
        if (helper != null && !helper.isBlank()) return helperGet(helper, registry);
        Optional<JsonNode> entry = authEntry(root, registry);
        if (entry.isPresent()) {
            Optional<Credentials> c = fromAuthEntry(entry.get(), registry);
            if (c.isPresent()) return c;
        }
        String store = root.path("credsStore").asText(null);
        if (store != null && !store.isBlank()) return helperGet(store, registry);
        return Optional.empty();
    }

    /** Stores credentials as {@code docker login} does: in the registry's helper or the default store if set, else in {@code auths}. */
    public void store(String registry, Credentials c) {
        ObjectNode root = read();
        String helper = helperFor(root, registry);
        if (helper != null) {
            ObjectNode msg = OciDocument.JSON.createObjectNode().put("ServerURL", registry).put("Username", c.username()).put("Secret", c.secret());
            runHelper(helper, "store", msg.toString());
            return;
        }
        ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths") : root.putObject("auths");
        auths.putObject(registry).put("auth", Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8)));
        write(root);
    }

    /** Forgets {@code registry}'s credentials (helper or {@code auths}); false if there were none. */
    public boolean erase(String registry) {
        ObjectNode root = read();
        String helper = helperFor(root, registry);
        boolean removed = false;
        if (helper != null) removed = runHelper(helper, "erase", registry) != null;
        JsonNode auths = root.get("auths");
        if (auths instanceof ObjectNode a) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                if (registryOf(it.next()).equals(registry)) {
                    it.remove();
                    removed = true;
                }
            }
            if (removed) write(root);
        }
        return removed;
    }

    private static String helperFor(ObjectNode root, String registry) {
        String h = root.path("credHelpers").path(registry).asText(null);
        if (h == null || h.isBlank()) h = root.path("credsStore").asText(null);
        return h == null || h.isBlank() ? null : h;
    }

    /** {@code auths} keys are registries, sometimes written as URLs (https://registry/v1/). */
    private static Optional<JsonNode> authEntry(ObjectNode root, String registry) {
        JsonNode auths = root.path("auths");
        if (auths.has(registry)) return Optional.of(auths.get(registry));
        for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (registryOf(k).equals(registry)) return Optional.of(auths.get(k));
        }
        return Optional.empty();
    }

    static String registryOf(String key) {
        String k = key.replaceFirst("^[a-z]+://", "");
        int slash = k.indexOf('/');
        return slash < 0 ? k : k.substring(0, slash);
    }

    private Optional<Credentials> fromAuthEntry(JsonNode e, String registry) {
        if (e.hasNonNull("identitytoken") && !e.get("identitytoken").asText().isEmpty()) {
            return Optional.of(new Credentials(null, e.get("identitytoken").asText(), true));
        }
        if (e.hasNonNull("auth") && !e.get("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(e.get("auth").asText().strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException bad) {
                throw new RegistryException(file + ": auths." + registry + ".auth is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) throw new RegistryException(file + ": auths." + registry + ".auth is not base64 of user:password");
            return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), false));
        }
        if (e.hasNonNull("username") && e.hasNonNull("password")) {
            return Optional.of(new Credentials(e.get("username").asText(), e.get("password").asText(), false));
        }
        return Optional.empty();
    }

    private Optional<Credentials> helperGet(String helper, String registry) {
        String out = runHelper(helper, "get", registry);
        if (out == null) return Optional.empty();
        try {
            JsonNode n = OciDocument.JSON.readTree(out);
            String user = n.path("Username").asText("");
            String secret = n.path("Secret").asText("");
            if (secret.isEmpty()) return Optional.empty();
            // Docker's convention: the user name "<token>" marks an identity (refresh) token
            return Optional.of("<token>".equals(user) ? new Credentials(null, secret, true) : new Credentials(user, secret, false));
        } catch (IOException e) {
            throw new RegistryException("credential helper docker-credential-" + helper + " answered something that is not JSON");
        }
    }

    /** Runs {@code docker-credential-HELPER ACTION} with {@code input} on stdin; null when it has nothing for the registry. */
    private String runHelper(String helper, String action, String input) {
        if (!HELPER.matcher(helper).matches()) throw new RegistryException(file + ": invalid credential helper name \"" + helper + "\"");
        String program = "docker-credential-" + helper;
        Process p;
        try {
            p = new ProcessBuilder(program, action).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new RegistryException(file + " names the credential helper " + program + ", which cannot be run (not on PATH?)");
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // a helper may answer without reading its input; its exit status and output tell
            }
            byte[] out = readBounded(p.getInputStream());
            byte[] err = readBounded(p.getErrorStream());
            if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RegistryException("credential helper " + program + " " + action + " did not answer within " + HELPER_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                String said = new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8);
                if (said.toLowerCase(java.util.Locale.ROOT).contains("not found")) return null; // the helpers' own words for "nothing stored"
                throw new RegistryException("credential helper " + program + " " + action + " failed (exit " + p.exitValue() + ")");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegistryException("credential helper " + program + " " + action + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new RegistryException("interrupted while running " + program);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (b.size() + n > (1 << 20)) throw new IOException("more than 1 MiB of output");
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    private ObjectNode read() {
        if (!Files.isRegularFile(file)) return OciDocument.JSON.createObjectNode();
        try {
            JsonNode n = OciDocument.JSON.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) throw new RegistryException(file + " is not a JSON object");
            return (ObjectNode) n;
        } catch (IOException e) {
            throw new RegistryException(file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Atomic, and owner-only from its first byte (AtomicFiles' temp file is created 0600): it holds passwords. */
    private void write(ObjectNode root) {
        try {
            AtomicFiles.replace(file, OciDocument.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new RegistryException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
