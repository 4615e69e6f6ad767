package dev.ebpm.core.hub;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.oci.DockerConfig;
import dev.ebpm.registry.oci.OciHub;
import java.nio.file.Path;

/**
 * {@code ebpm login} and {@code logout}: credentials are checked against the registry first (its {@code /v2/}, through
 * whatever challenge it answers with), then kept where Docker keeps them ({@code $DOCKER_CONFIG/config.json} or
 * {@code ~/.docker/config.json}, or the credential helper it names), so docker, skopeo and ecli share them.
 */
public final class RegistryLogin {
    private final Session session;

    public RegistryLogin(Session session) {
        this.session = session;
    }

    /** @return the file the credentials went to (or that names their helper) */
    public Path login(String registry, String username, String secret) {
        String r = normalize(registry);
        if (username == null || username.isBlank()) throw new RegistryException("login to " + r + " needs a user name (--username)");
        if (secret == null || secret.isEmpty()) throw new RegistryException("login to " + r + " needs a password (--password-stdin)");
        var context = new References(session, new Keys(session)).context();
        DockerConfig.Credentials c = new DockerConfig.Credentials(username, secret, false);
        OciHub.client(r, context, c).checkLogin();
        DockerConfig config = new DockerConfig(context.registries().dockerConfig());
        config.store(r, c);
        return config.file();
    }

    /** @return false if there were no credentials for it */
    public boolean logout(String registry) {
        var context = new References(session, new Keys(session)).context();
        return new DockerConfig(context.registries().dockerConfig()).erase(normalize(registry));
    }

    /** {@code https://host:port/} and {@code host:port} name the same registry. */
    static String normalize(String registry) {
        String r = registry.strip().replaceFirst("^(?i)(https?|oci)://", "");
        while (r.endsWith("/")) r = r.substring(0, r.length() - 1);
        if (r.isEmpty() || r.contains("/")) throw new RegistryException("\"" + registry + "\" is not a registry (HOST[:PORT])");
        return r;
    }
}
