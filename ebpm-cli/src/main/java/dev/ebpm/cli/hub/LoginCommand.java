package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.hub.RegistryLogin;
import dev.ebpm.core.session.Session;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm login REGISTRY}: checks the credentials against the registry, then stores them as docker login does. */
@Command(name = "login", description = {"Log in to an OCI registry.", "", "Log in to an OCI registry: the credentials are checked against it (basic auth or its token",
        "service), then kept where Docker keeps them ($DOCKER_CONFIG/config.json or ~/.docker/config.json, or its",
        "credential helper), so docker, skopeo and ecli share them. The password is never printed."},
        footer = {"", "Examples:", "  echo \"$TOKEN\" | ebpm login ghcr.io -u myname --password-stdin"})
public final class LoginCommand implements Runnable {
    @Parameters(paramLabel = "REGISTRY", description = "HOST[:PORT]")
    String registry;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER", description = "the registry account to log in as")
    String username;

    @Option(names = "--password-stdin", description = "read the password from standard input (else it is asked on the terminal)")
    boolean passwordStdin;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        String secret = passwordStdin ? stdin() : prompt();
        try (Session s = hub.session()) {
            var file = new RegistryLogin(s).login(registry, username, secret);
            System.out.println("login succeeded: credentials for " + registry + " kept in " + file);
        }
    }

    private static String stdin() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) throw new UserError("--password-stdin: standard input is empty");
            return line.strip();
        } catch (IOException e) {
            throw new UserError("cannot read standard input: " + e.getMessage());
        }
    }

    private static String prompt() {
        Console c = System.console();
        if (c == null) throw new UserError("no terminal to ask the password on: give --password-stdin");
        char[] p = c.readPassword("password: ");
        if (p == null || p.length == 0) throw new UserError("empty password");
        return new String(p);
    }
}
