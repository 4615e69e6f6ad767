package dev.ebpm.cli.hub;

import dev.ebpm.core.hub.RegistryLogin;
import dev.ebpm.core.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ebpm logout REGISTRY}. */
@Command(name = "logout", description = {"Forget the credentials kept for an OCI registry.", "", "Forget the credentials kept for an OCI registry (in the Docker config file or its credential helper)."})
public final class LogoutCommand implements Runnable {
    @Parameters(paramLabel = "REGISTRY", description = "HOST[:PORT]")
    String registry;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        try (Session s = hub.session()) {
            System.out.println(new RegistryLogin(s).logout(registry) ? "removed the credentials for " + registry : "no credentials kept for " + registry);
        }
    }
}
