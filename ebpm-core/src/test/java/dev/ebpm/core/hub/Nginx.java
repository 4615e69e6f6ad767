package dev.ebpm.core.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** nginx serving a directory on a free loopback port, with its own temp config; absent nginx means skip. */
final class Nginx implements AutoCloseable {
    final int port;
    private final Process process;

    private Nginx(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static Optional<Path> binary() {
        for (String p : new String[] {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"}) {
            if (Files.isExecutable(Path.of(p))) return Optional.of(Path.of(p));
        }
        return Optional.empty();
    }

    static Nginx serve(Path root, Path work) throws IOException, InterruptedException {
        Path bin = binary().orElseThrow();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(work.resolve("logs"));
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, String.join("\n",
                "worker_processes 1;",
                "error_log " + work.resolve("logs/error.log") + ";",
                "pid " + work.resolve("nginx.pid") + ";",
                "events { worker_connections 256; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + work + "/body; proxy_temp_path " + work + "/proxy;",
                "  fastcgi_temp_path " + work + "/fcgi; uwsgi_temp_path " + work + "/uwsgi; scgi_temp_path " + work + "/scgi;",
                "  types { application/json json; application/wasm wasm; }",
                "  server { listen 127.0.0.1:" + port + "; root " + root + "; }",
                "}", ""));
        Process p = new ProcessBuilder(bin.toString(), "-c", conf.toString(), "-p", work.toString(), "-g", "daemon off; user root;")
                .redirectErrorStream(true).redirectOutput(work.resolve("logs/stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new Nginx(port, p);
            } catch (IOException notYet) {
                if (!p.isAlive()) throw new IOException("nginx exited: " + Files.readString(work.resolve("logs/stdout.log")));
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("nginx did not start on port " + port);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
