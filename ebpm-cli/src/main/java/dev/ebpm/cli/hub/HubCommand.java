package dev.ebpm.cli.hub;

import dev.ebpm.cli.UserError;
import dev.ebpm.hub.HubMain;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.HttpIndexHub;
import dev.ebpm.store.LocalStore;
import java.time.Instant;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.HubConfig;
import dev.ebpm.registry.HubHttp;
import dev.ebpm.registry.RegistryException;
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

    @Command(name = "add", description = {"Add a hub. URL is an ebpm hub (has /index.json), a static eunomia-style web",
            "hub (NAME/package.json, NAME/app.wasm) or a local directory in that layout; the type is probed unless given.",
            "An ebpm hub's index must be signed by a key trusted for it: pin the hub's key now with --trust-on-first-use",
            "(compare the fingerprint printed with the one the hub's admin publishes), or `ebpm key trust HUB.pub --hub NAME`."})
    static final class Add implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "URL") String url;
        @Option(names = "--priority", paramLabel = "N", description = "lower is tried first; examples are 0, eunomia 100 (default: 50)")
        int priority = HubConfig.DEFAULT_PRIORITY;
        @Option(names = "--type", paramLabel = "TYPE", description = "index, static or directory (default: probe)")
        String type;
        @Option(names = "--trust-on-first-use", description = "fetch the hub's key (/hub.pub), check that it signs the index, pin it for this hub and print its fingerprint")
        boolean tofu;
        @Option(names = "--allow-unsigned", description = {"accept this hub's unsigned index and unsigned packages (or ones signed by keys not",
                "trusted here), with a warning each time; tampered or replayed signatures are still refused"})
        boolean allowUnsigned;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            HubConfig.checkName(name); // before any network: a bad name is refused at once
            HubConfig.Type t = type != null ? HubConfig.Type.parse(type) : probe(url);
            String where = t == HubConfig.Type.DIRECTORY && !url.startsWith("file:") ? Path.of(url).toAbsolutePath().toString() : url;
            HubConfig config = hub.config();
            if (config.hubs(null).stream().anyMatch(d -> d.name().equals(name) && !d.builtIn())) {
                throw new UserError("hub " + name + " already exists; remove it first");
            }
            PublicKey pinned = null;
            if (tofu) {
                if (t != HubConfig.Type.INDEX) throw new UserError("--trust-on-first-use needs an ebpm hub (with a signed index); " + url + " is a " + t.id() + " hub");
                if (hub.offline) throw new UserError("offline: cannot fetch the key of " + url);
                pinned = firstUseKey(where);
            }
            config.add(name, where, t, priority, allowUnsigned);
            System.out.println("added hub " + name + " (" + t.id() + ", priority " + priority + (allowUnsigned ? ", UNSIGNED ALLOWED" : "") + "): " + where);
            if (pinned != null) {
                try (LocalStore s = LocalStore.open(hub.storeRoot())) {
                    s.trust().trust(pinned.withName("hub " + name), name, "tofu");
                }
                System.out.println("trusted hub key " + pinned.fingerprint().display() + " for hub " + name + " (trust on first use)");
                System.out.println("  compare it with the fingerprint the hub's admin publishes (ebpm-hub key show)");
            } else if (t == HubConfig.Type.INDEX && !allowUnsigned) {
                System.out.println("  its index must be signed by a key you trust for it: ebpm key trust HUB.pub --hub " + name);
            }
        }

        /** The key the hub serves, if it signs the index the hub serves now; not yet trusted. */
        private PublicKey firstUseKey(String u) {
            var client = hub.client();
            String text = client.indexHubAt(u).publicKeyText()
                    .orElseThrow(() -> new UserError("hub " + u + " serves no key (/" + HttpIndexHub.KEY_FILE + "); it cannot be trusted on first use"));
            PublicKey key;
            try {
                key = PublicKey.parse(text);
            } catch (TrustException e) {
                throw new UserError("hub " + u + ": /" + HttpIndexHub.KEY_FILE + ": " + e.getMessage());
            }
            SimpleKeyRing ring = new SimpleKeyRing().trust(name, key);
            // the index it serves must verify with that key, or the key is not the one signing this hub
            client.indexHubAt(name, u, (h, hubUrl, json, sig) -> {
                if (sig == null) throw new UserError("hub " + u + " serves no index signature; nothing to trust");
                new Verifier(ring).verifyIndex(h, IndexSignature.parse(sig), json, null, Instant.now());
            }).packages();
            return key;
        }

        private HubConfig.Type probe(String u) {
            if (!u.startsWith("http://") && !u.startsWith("https://")) {
                if (!Files.isDirectory(Path.of(u.startsWith("file:") ? java.net.URI.create(u).getPath() : u))) throw new UserError("no such directory: " + u);
                return HubConfig.Type.DIRECTORY;
            }
            if (hub.offline) throw new UserError("offline: cannot probe " + u + "; give --type index|static");
            try {
                return HubConfig.probe(new HubHttp(HubHttp.Options.defaults()), u);
            } catch (RegistryException e) {
                throw new UserError(e.getMessage() + "; give --type index|static");
            }
        }
    }

    @Command(name = "list", description = "List hubs in the order they are tried.")
    static final class ListHubs implements Runnable {
        @Mixin HubOptions hub;

        @Override
        public void run() {
            String fmt = "%-12s %-10s %-9s %s%n";
            System.out.printf(fmt, "NAME", "TYPE", "PRIORITY", "URL");
            var examples = dev.ebpm.cli.run.BundledExamples.directory().orElse(null);
            for (HubConfig.HubDefinition d : hub.config().hubs(examples)) {
                System.out.printf(fmt, d.name(), d.type().id(), d.priority(), d.url() + (d.builtIn() ? "  (built in)" : ""));
            }
        }
    }

    @Command(name = "remove", description = "Remove a hub (built-in ones too; `hub add` brings them back).")
    static final class Remove implements Runnable {
        @Parameters(paramLabel = "NAME") String name;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            hub.config().remove(name);
            System.out.println("removed hub " + name);
        }
    }

    @Command(name = "info", description = "What the hubs know about a package, installed or not.")
    static final class Info implements Runnable {
        @Parameters(paramLabel = "[HUB/]NAME") String name;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            var info = hub.client().info(name).orElseThrow(() -> new UserError("no package " + name + " on any configured hub"));
            RemoteInfoPrinter.print(info, System.out);
        }
    }

    @Command(name = "fetch", description = {"Resolve, download and verify a package without installing it; with -o,",
            "write the archive (or a static package's entry file) into DIR. Records the choice in ebpm.lock."})
    static final class Fetch implements Runnable {
        @Parameters(paramLabel = "[HUB/]NAME[@VERSION|@RANGE]") String spec;
        @Option(names = {"-o", "--output"}, paramLabel = "DIR") Path out;
        @Option(names = "--locked", description = "only what ebpm.lock pins, exactly") boolean locked;
        @Mixin HubOptions hub;

        @Override
        public void run() {
            FetchedPackage f = hub.source(locked).fetch(spec);
            System.out.println("fetched " + f.id() + " from hub " + f.hub() + " (sha256:" + f.sha256() + ")");
            if (out == null) return;
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
                System.out.println("wrote " + target);
            } catch (IOException e) {
                throw new UserError("cannot write to " + out + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "serve", description = {"Run a hub server (the same as the ebpm-hub script). Publish tokens are made",
            "with `ebpm-hub token create --data DIR --publisher NAME`."})
    static final class Serve implements Runnable {
        @Option(names = "--port", paramLabel = "P") int port = HubMain.DEFAULT_PORT;
        @Option(names = "--data", required = true, paramLabel = "DIR") Path data;
        @Option(names = "--bind", paramLabel = "ADDR") String bind = "127.0.0.1";
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
