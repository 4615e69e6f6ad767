package dev.ebpm.hub;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ebpm-hub}: runs a hub server and administers its data directory.
 * <pre>
 *   ebpm-hub serve --port P --data DIR [--bind ADDR] [--max-upload BYTES] [--threads N]   (N: worker threads = most open connections)
 *   ebpm-hub token create --data DIR --publisher NAME
 *   ebpm-hub owner add --data DIR --package NAME --publisher NAME
 *   ebpm-hub publisher key --data DIR --publisher NAME --key FILE.pub
 *   ebpm-hub key show --data DIR
 * </pre>
 */
public final class HubMain {
    public static final long DEFAULT_MAX_UPLOAD = 256L << 20;
    public static final int DEFAULT_PORT = 8765;

    private HubMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; {@code serve} blocks until the JVM is stopped. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length >= 1 && args[0].equals("serve")) {
                Map<String, String> o = options(args, 1);
                ServeOptions so = new ServeOptions(
                        Path.of(required(o, "--data")),
                        o.getOrDefault("--bind", "127.0.0.1"),
                        Integer.parseInt(o.getOrDefault("--port", Integer.toString(DEFAULT_PORT))),
                        parseSize(o.getOrDefault("--max-upload", Long.toString(DEFAULT_MAX_UPLOAD))),
                        Integer.parseInt(o.getOrDefault("--threads", "256")));
                serve(so, out);
                return 0;
            }
            if (args.length >= 2 && args[0].equals("token") && args[1].equals("create")) {
                Map<String, String> o = options(args, 2);
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    out.println(store.createToken(required(o, "--publisher")));
                }
                return 0;
            }
            if (args.length >= 2 && args[0].equals("owner") && args[1].equals("add")) {
                Map<String, String> o = options(args, 2);
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    store.addOwner(required(o, "--package"), required(o, "--publisher"));
                }
                return 0;
            }
            if (args.length >= 2 && args[0].equals("publisher") && args[1].equals("key")) {
                Map<String, String> o = options(args, 2);
                Path keyFile = Path.of(required(o, "--key"));
                dev.ebpm.pkg.trust.PublicKey key;
                try {
                    key = dev.ebpm.pkg.trust.PublicKey.parse(java.nio.file.Files.readString(keyFile));
                } catch (java.io.IOException | dev.ebpm.pkg.trust.TrustException e) {
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
                Map<String, String> o = options(args, 2);
                try (HubStore store = HubStore.open(Path.of(required(o, "--data")), DEFAULT_MAX_UPLOAD)) {
                    out.println(store.hubKey().toText());
                    out.println("fingerprint: " + store.hubKey().fingerprint().display());
                }
                return 0;
            }
            err.println(usage());
            return args.length == 0 || args[0].equals("--help") || args[0].equals("-h") ? 0 : 2;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("ebpm-hub: error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("ebpm-hub: error: " + e);
            return 1;
        }
    }

    /** How to run a server; also what {@code ebpm hub serve} builds. */
    public record ServeOptions(Path data, String bind, int port, long maxUpload, int threads) {}

    /** Starts the server and blocks until the JVM shuts down (Ctrl-C). */
    public static void serve(ServeOptions o, PrintStream out) throws Exception {
        HubStore store = HubStore.open(o.data(), o.maxUpload());
        HubServer server = HubServer.start(store, new InetSocketAddress(o.bind(), o.port()), o.threads());
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
                "usage: ebpm-hub serve --port P --data DIR [--bind ADDR] [--max-upload BYTES|NM|NG] [--threads N (max connections, default 256)]",
                "       ebpm-hub token create --data DIR --publisher NAME   (prints the token once)",
                "       ebpm-hub owner add --data DIR --package NAME --publisher NAME",
                "       ebpm-hub publisher key --data DIR --publisher NAME --key FILE.pub   (its uploads must then be signed with it)",
                "       ebpm-hub key show --data DIR   (the hub's public key, for clients to trust)");
    }

    private static Map<String, String> options(String[] args, int from) {
        Map<String, String> o = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a + "\n" + usage());
            int eq = a.indexOf('=');
            if (eq > 0) {
                o.put(a.substring(0, eq), a.substring(eq + 1));
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                o.put(a, args[++i]);
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) throw new IllegalArgumentException("missing " + name + "\n" + usage());
        return v;
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
