package dev.ebpm.loader.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** An external program the build runs (clang, bpftool, llvm-strip), found on PATH or in the sbin dirs. */
public record HostTool(String name, Path path) {
    /** A finished run: exit status and stdout+stderr together, as a user would see them. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private static final long TIMEOUT_MINUTES = 10;

    /** Looks the tool up; an env variable ({@code CLANG}, {@code BPFTOOL}, ...) names it explicitly. */
    public static Optional<HostTool> find(String name) {
        String override = System.getenv(name.toUpperCase().replace('-', '_'));
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return Optional.of(new HostTool(name, p));
            }
            Optional<HostTool> onPath = search(override);
            if (onPath.isPresent()) {
                return onPath;
            }
        }
        return search(name);
    }

    private static Optional<HostTool> search(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(new HostTool(name, p));
            }
        }
        return Optional.empty();
    }

    /** Finds the tool or fails with a message naming the Debian package that has it. */
    public static HostTool require(String name, String debianPackage, String why) {
        return find(name).orElseThrow(() -> new BuildException(
                name + " not found on PATH (needed " + why + "): install the Debian package '" + debianPackage
                        + "' (apt-get install " + debianPackage + ")"));
    }

    public Result run(List<String> args, Path workDir) {
        return run(args, workDir, Optional.empty());
    }

    /** Runs the tool with {@code stdin} as its standard input (small inputs: written before the output is read). */
    public Result run(List<String> args, Path workDir, Optional<byte[]> stdin) {
        List<String> cmd = new ArrayList<>();
        cmd.add(path.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin.isPresent()) in.write(stdin.get());
            } catch (IOException exitedWithoutReading) {
                // its exit status and output say why
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BuildException(name + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BuildException("cannot run " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while running " + name, e);
        }
    }

    /** Runs the tool writing stdout to a file (bpftool's vmlinux.h); stderr is returned. */
    public Result runTo(List<String> args, Path stdout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(path.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).start();
            p.getOutputStream().close();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BuildException(name + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            return new Result(p.exitValue(), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BuildException("cannot run " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while running " + name, e);
        }
    }
}
