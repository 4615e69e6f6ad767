package dev.ebpm.hub;

import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.TrustException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ebpm-hub}: runs a hub server and administers its data directory.
 * <pre>
 *   ebpm-hub serve --port P --data DIR [--bind ADDR] [--max-upload BYTES] [--max-connections N]
 *   ebpm-hub token create --data DIR --publisher NAME
 *   ebpm-hub owner add --data DIR --package NAME --publisher NAME
 *   ebpm-hub publisher key --data DIR --publisher NAME --key FILE.pub
 *   ebpm-hub key show --data DIR
 * </pre>
 */
public final class HubMain {
    public static final long DEFAULT_MAX_UPLOAD = 64L << 20;
    /** As {@code --max-upload} spells it; a constant, so the CLI's option default needs no class of this module. */
    public static final String DEFAULT_MAX_UPLOAD_TEXT = "64M";
    public static final int DEFAULT_PORT = 8765;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    private HubMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; {@code serve} blocks until the JVM is stopped. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length >= 1 && args[0].equals("serve")) {
                Map<String, String> o = options(args, 1, "--data", "--bind", "--port", "--max-upload", "--max-connections");
                ServeOptions so = new ServeOptions(
                        Path.of(required(o, "--data")),
                        o.getOrDefault("--bind", "127.0.0.1"),
                        number(o, "--port", DEFAULT_PORT),
                        parseSize(o.getOrDefault("--max-upload", DEFAULT_MAX_UPLOAD_TEXT)),
                        number(o, "--max-connections", DEFAULT_MAX_CONNECTIONS));
                serve(so, out);
                return 0;
            }
            if (args.length >= 2 && args[0].equals("token") && args[1].equals("create")) {
                Map<String, String> o = options(args, 2, "--data", "--publisher");
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    out.println(store.createToken(required(o, "--publisher")));
                }
                return 0;
            }
            if (args.length >= 2 && args[0].equals("owner") && args[1].equals("add")) {
                Map<String, String> o = options(args, 2, "--data", "--package", "--publisher");
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    store.addOwner(required(o, "--package"), required(o, "--publisher"));
                }
                return 0;
            }
            if (args.length >= 2 && args[0].equals("publisher") && args[1].equals("key")) {
                Map<String, String> o = options(args, 2, "--data", "--publisher", "--key");
                Path keyFile = Path.of(required(o, "--key"));
                PublicKey key;
                try {
                    key = PublicKey.parse(Files.readString(keyFile));
                } catch (IOException | TrustException e) {
                    throw new IllegalArgumentException(keyFile + ": " + e.getMessage());
                }
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    String publisher = required(o, "--publisher");
                    store.addPublisherKey(publisher, key);
                    out.println("registered key " + key.fingerprint().display() + " for publisher " + publisher
                            + ": its uploads must now be signed with it");
                }
                return 0;
            }
            if (args.length >= 2 && args[0].equals("key") && args[1].equals("show")) {
                Map<String, String> o = options(args, 2, "--data");
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    out.println(store.hubKey().toText());
                    out.println("fingerprint: " + store.hubKey().fingerprint().display());
                }
                return 0;
            }
            err.println(usage());
            return args.length == 0 || args[0].equals("--help") || args[0].equals("-h") ? 0 : 2;
        } catch (IOException | RuntimeException e) {
            err.println("ebpm-hub: error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** How to run a server; also what {@code ebpm hub serve} builds. */
    public record ServeOptions(Path data, String bind, int port, long maxUpload, int maxConnections) {}

    /** Starts the server and blocks until the JVM shuts down (Ctrl-C). */
    public static void serve(ServeOptions o, PrintStream out) throws IOException, InterruptedException {
        HubStore store = HubStore.open(o.data(), o.maxUpload());
        HubServer server;
        try {
            server = HubServer.start(store, new InetSocketAddress(o.bind(), o.port()), o.maxConnections());
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            store.close();
            stopped.countDown();
        }));
        out.println("ebpm-hub: serving " + o.data().toAbsolutePath() + " at " + server.uri() + " (max upload " + o.maxUpload() + " bytes)");
        out.println("ebpm-hub: index signed by hub key " + store.hubKey().fingerprint().display() + " (" + o.data().resolve(HubKey.FILE) + ")");
        out.flush();
        stopped.await();
    }

    static String usage() {
        return String.join("\n",
                "usage: ebpm-hub serve --port P --data DIR [--bind ADDR] [--max-upload BYTES|NK|NM|NG (default 64M)] [--max-connections N (default 1024)]",
                "       ebpm-hub token create --data DIR --publisher NAME   (prints the token once)",
                "       ebpm-hub owner add --data DIR --package NAME --publisher NAME",
                "       ebpm-hub publisher key --data DIR --publisher NAME --key FILE.pub   (its uploads must then be signed with it)",
                "       ebpm-hub key show --data DIR   (the hub's public key, for clients to trust)");
    }

    /** {@code --name value} or {@code --name=value} pairs from {@code args[from]} on; any other option is refused. */
    private static Map<String, String> options(String[] args, int from, String... known) {
        Map<String, String> o = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a + "\n" + usage());
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (!List.of(known).contains(name)) throw new IllegalArgumentException("unknown option " + name + "\n" + usage());
            if (eq > 0) {
                o.put(name, a.substring(eq + 1));
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                o.put(name, args[++i]);
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) throw new IllegalArgumentException("missing " + name + "\n" + usage());
        return v;
    }

    private static int number(Map<String, String> o, String name, int defaultValue) {
        String v = o.get(name);
        if (v == null) return defaultValue;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + name + " " + v + ": expected a whole number");
        }
    }

    /** "1048576", "64K", "256M", "1G". */
    public static long parseSize(String s) {
        String t = s.strip().toUpperCase();
        long mult = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            mult = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t) * mult;
            if (v <= 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size " + s + ": expected bytes, or a number with K, M or G");
        }
    }
}
