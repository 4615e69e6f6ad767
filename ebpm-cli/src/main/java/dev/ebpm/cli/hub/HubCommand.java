package dev.ebpm.cli.hub;

import dev.ebpm.cli.options.ProgressOptions;
import dev.ebpm.cli.output.Json;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.hub.HubList;
import dev.ebpm.core.hub.HubSetup;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.hub.HubMain;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.HubDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm hub ...}: configure hubs, look a package up, fetch without installing, run a hub server. */
@Command(name = "hub", description = "Configure package hubs, query them, or serve one.",
        subcommands = {HubCommand.Add.class, HubCommand.ListHubs.class, HubCommand.Remove.class, HubCommand.Info.class,
                HubCommand.Fetch.class, HubCommand.Serve.class})
public final class HubCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "add", description = {"Add a hub (an ebpm hub, OCI registry, static site or directory).", "", "Add a hub. URL is an ebpm hub (has /index.json), an OCI registry and repository",
            "prefix (oci://registry.example/team: NAME is the repository PREFIX/NAME, its semver tags are its versions), a",
            "static eunomia-style web hub (NAME/package.json, NAME/app.wasm) or a local directory in that layout; the type is",
            "probed unless given.",
            "An ebpm hub's index must be signed by a key trusted for it: pin the hub's key now with --trust-on-first-use",
            "(compare the fingerprint printed with the one the hub's admin publishes), or `ebpm key trust HUB.pub --hub NAME`."})
    static final class Add implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "the name the hub goes by here (HUB/NAME picks it)") String name;
        @Parameters(index = "1", paramLabel = "URL", description = "http(s) URL, oci://REGISTRY/PREFIX, or a directory") String url;
        @Option(names = "--priority", paramLabel = "N", description = "lower is tried first; examples are 0, eunomia 100 (default: 50)")
        int priority = HubList.DEFAULT_PRIORITY;
        @Option(names = "--type", paramLabel = "TYPE", description = "index, oci, static or directory (default: probe)")
        String type;
        @Option(names = "--trust-on-first-use", description = "fetch the hub's key (/hub.pub), check that it signs the index, pin it for this hub and print its fingerprint")
        boolean tofu;
        @Option(names = "--allow-unsigned", description = "accept this hub's unsigned index and unsigned packages (or ones signed by keys not "
                + "trusted here), with a warning each time; tampered or replayed signatures are still refused")
        boolean allowUnsigned;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            try (Session s = hub.session()) {
                HubSetup.Added a = new HubSetup(s).add(name, url, type, priority, allowUnsigned, tofu);
                HubDefinition d = a.hub();
                System.out.println("added hub " + name + " (" + d.type() + ", priority " + priority + (allowUnsigned ? ", UNSIGNED ALLOWED" : "") + "): "
                        + d.location());
                if (a.pinned().isPresent()) {
                    System.out.println("trusted hub key " + a.pinned().get().fingerprint().display() + " for hub " + name + " (trust on first use)");
                    System.out.println("  compare it with the fingerprint the hub's admin publishes (ebpm-hub key show)");
                } else if (a.needsIndexKey()) {
                    System.out.println("  its index must be signed by a key you trust for it: ebpm key trust HUB.pub --hub " + name);
                }
            }
        }
    }

    @Command(name = "list", description = "List hubs in the order they are tried.")
    static final class ListHubs implements Runnable {
        @Mixin HubOptions hub;
        @Option(names = "--json", description = "Print JSON (the text columns' names as fields).") boolean json;

        @Override
        public void run() {
            String fmt = "%-12s %-10s %-9s %s%n";
            java.util.List<HubDefinition> hubs;
            try (Session s = hub.session()) {
                hubs = HubList.load(s).hubs();
            }
            if (json) {
                java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
                for (HubDefinition d : hubs) {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("name", d.name());
                    m.put("type", d.type());
                    m.put("priority", d.priority());
                    m.put("url", d.location());
                    m.put("built_in", d.builtIn());
                    out.add(m);
                }
                Json.print(System.out, out);
                return;
            }
            // the header only once the list is read: a failure prints its one line and nothing else
            System.out.printf(fmt, "NAME", "TYPE", "PRIORITY", "URL");
            for (HubDefinition d : hubs) {
                System.out.printf(fmt, d.name(), d.type(), d.priority(), d.location() + (d.builtIn() ? "  (built in)" : ""));
            }
        }
    }

    @Command(name = "remove", description = "Remove a hub (built-in ones too; `hub add` brings them back).")
    static final class Remove implements Runnable {
        @Parameters(paramLabel = "NAME", description = "the hub to remove (see ebpm hub list)") String name;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            try (Session s = hub.session()) {
                HubList.load(s).remove(name);
            }
            System.out.println("removed hub " + name);
        }
    }

    @Command(name = "info", description = "What the hubs know about a package, installed or not.")
    static final class Info implements Runnable {
        @Parameters(paramLabel = "[HUB/]NAME", description = "the package, on the first hub that has it or on HUB") String name;
        @Mixin HubOptions hub;
        @Option(names = "--json", description = "Print JSON (the text columns' names as fields).") boolean json;

        @Override
        public void run() {
            try (Session s = hub.session()) {
                var info = new Hubs(s, new Keys(s)).info(named(name)).orElseThrow(() -> new UserError("no package " + name + " on any configured hub"));
                if (json) Json.print(System.out, RemoteInfoPrinter.json(info));
                else RemoteInfoPrinter.print(info, System.out);
            }
        }
    }

    @Command(name = "fetch", description = {"Download and verify a package without installing it.", "", "Resolve, download and verify a package without installing it; with -o,",
            "write the archive (or a static package's entry file) into DIR. Records the choice in ebpm.lock."})
    static final class Fetch implements Runnable {
        @Parameters(paramLabel = "[HUB/]NAME[@VERSION|@RANGE]", description = "the package, and the version or range to resolve") String spec;
        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "also write the archive (or a static package's entry file) into DIR") Path out;
        @Option(names = "--locked", description = "only what ebpm.lock pins, exactly") boolean locked;
        @Mixin HubOptions hub;
        @Mixin ProgressOptions progress;
        @Option(names = "--json", description = "Print JSON (the text columns' names as fields).") boolean json;

        @Override
        public void run() {
            try (Session s = hub.session(progress, locked)) {
                Hubs hubs = new Hubs(s, new Keys(s));
                FetchedPackage f = hubs.fetch(named(spec));
                hubs.lock(f);
                Path written = out == null ? null : write(f);
                if (json) {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", f.id());
                    m.put("hub", f.hub());
                    m.put("sha256", f.sha256());
                    m.put("wrote", written == null ? null : written.toString());
                    Json.print(System.out, m);
                    return;
                }
                System.out.println("fetched " + f.id() + " from hub " + f.hub() + " (sha256:" + f.sha256() + ")");
                if (written != null) System.out.println("wrote " + written);
            }
        }

        /** The archive (or a static package's entry file) into {@code out}. */
        private Path write(FetchedPackage f) {
            try {
                Files.createDirectories(out);
                Path target;
                if (f.archive() != null) {
                    target = out.resolve(f.manifest().name() + "-" + f.manifest().version() + ".ebpm");
                    Files.copy(f.archive(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else {
                    target = out.resolve(f.manifest().entry());
                    Files.write(target, f.entryBytes());
                }
                return target;
            } catch (IOException e) {
                throw new UserError("cannot write to " + out + ": " + e.getMessage());
            }
        }
    }

    /** A spec that must name a package on the hubs. */
    static PackageSpec.Named named(String text) {
        PackageSpec spec = PackageSpec.parse(text);
        if (spec instanceof PackageSpec.Named n) return n;
        throw new UserError("\"" + text + "\" is read as " + spec.form() + "; this command takes [HUB/]NAME[@RANGE]", 2);
    }

    @Command(name = "serve", description = {"Run a hub server (the same as the ebpm-hub script).", "", "Run a hub server (the same as the ebpm-hub script). Publish tokens are made",
            "with `ebpm-hub token create --data DIR --publisher NAME`."})
    static final class Serve implements Runnable {
        @Option(names = "--port", paramLabel = "P", description = "TCP port to listen on (default: ${DEFAULT-VALUE})") int port = HubMain.DEFAULT_PORT;
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the hub's data directory: packages, index, keys, tokens") Path data;
        @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: ${DEFAULT-VALUE})") String bind = "127.0.0.1";
        @Option(names = "--max-upload", paramLabel = "BYTES", description = "largest accepted archive, e.g. 64M (default 64M)") String maxUpload = HubMain.DEFAULT_MAX_UPLOAD_TEXT;
        @Option(names = "--max-connections", paramLabel = "N", description = "most open connections (default 1024)") int maxConnections = HubMain.DEFAULT_MAX_CONNECTIONS;

        @Override
        public void run() {
            try {
                HubMain.serve(new HubMain.ServeOptions(data, bind, port, HubMain.parseSize(maxUpload), maxConnections), System.out);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            } catch (Exception e) {
                throw new UserError("hub server: " + e.getMessage());
            }
        }
    }
}
