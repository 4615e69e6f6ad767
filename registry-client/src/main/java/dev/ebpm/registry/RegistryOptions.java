package dev.ebpm.registry;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How registries are reached: which hosts may be spoken to over plain HTTP ({@code --insecure-registry HOST}; loopback
 * registries always may), and the Docker-style credentials file ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}) with its credential helpers.
 */
public record RegistryOptions(Set<String> insecureHosts, Path dockerConfig) {
    public RegistryOptions {
        insecureHosts = Set.copyOf(insecureHosts);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), defaultDockerConfig());
    }

    public RegistryOptions insecure(Set<String> hosts) {
        return new RegistryOptions(hosts, dockerConfig);
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json} (where docker, skopeo and ecli look too). */
    public static Path defaultDockerConfig() {
        String dir = System.getenv("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) return Path.of(dir, "config.json");
        return Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** http for {@code localhost}, loopback addresses and the hosts allowed insecure; https otherwise. */
    public String scheme(String registry) {
        String host = hostOf(registry);
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
        boolean insecure = insecureHosts.contains(registry.toLowerCase(Locale.ROOT)) || insecureHosts.contains(host);
        return loopback || insecure ? "http" : "https";
    }

    static String hostOf(String registry) {
        String r = registry.toLowerCase(Locale.ROOT);
        if (r.startsWith("[")) return r.substring(0, r.indexOf(']') + 1);
        int colon = r.indexOf(':');
        return colon < 0 ? r : r.substring(0, colon);
    }
}
