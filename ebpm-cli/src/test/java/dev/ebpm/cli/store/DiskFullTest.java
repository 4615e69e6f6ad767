package dev.ebpm.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a small tmpfs that is then filled up: every command that writes says "no space left on device at PATH"
 * (SQLite's own words, e.g. SQLITE_IOERR_SHMSIZE, never reach the user) and leaves the store as it was.
 */
class DiskFullTest {
    @TempDir Path tmp;
    Path fs;
    Path store;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        fs = Files.createDirectories(tmp.resolve("fs"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "ebpm-test", fs.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mount an 8 MiB tmpfs (tests run as root)");
        store = fs.resolve("store");
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", fs.toString()).inheritIO().start().waitFor();
    }

    static CliProcess.Result ebpm(String... args) {
        return InProcess.execute(args);
    }

    /** Writes zeros until the file system refuses; returns the filler file. */
    private Path fill() throws IOException {
        Path filler = fs.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) out.write(block);
        } catch (IOException e) {
            assertTrue(dev.ebpm.pkg.FileErrors.isDiskFull(e), "filled up: " + e);
        }
        return filler;
    }

    private Path archive(String name, int randomBytes) throws Exception {
        Path dir = StoreCommandsTest.packageDir(tmp.resolve("src-" + name), name, "1.0.0");
        byte[] data = new byte[randomBytes];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        CliProcess.Result r = ebpm("pack", dir.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return tmp.resolve("out").resolve(name + "-1.0.0.ebpm");
    }

    private static void assertDiskFull(CliProcess.Result r, Path where, String... command) {
        assertEquals(1, r.exitCode(), String.join(" ", command) + ": " + r.stderr());
        List<String> errors = r.stderr().lines().filter(l -> !l.startsWith("ebpm: warning: ")).toList();
        assertEquals(List.of("ebpm: error: no space left on device at " + where), errors, String.join(" ", command));
    }

    @Test
    void everyCommandSaysTheDiskIsFull() throws Exception {
        Path small = archive("opensnoop", 1000);
        Path other = archive("execsnoop", 1000);
        assertEquals(0, ebpm("install", "--allow-unsigned", "--store", store.toString(), small.toString()).exitCode());
        fill();
        for (List<String> command : List.of(List.of("list"), List.of("info", "opensnoop"), List.of("gc"), List.of("cache", "verify"),
                List.of("uninstall", "opensnoop"), List.of("install", "--allow-unsigned", other.toString()), List.of("hub", "list"),
                List.of("hub", "add", "mine", "http://127.0.0.1:9/"), List.of("key", "list"))) {
            String[] args = Stream.concat(command.stream(), Stream.of("--store", store.toString())).toArray(String[]::new);
            assertDiskFull(ebpm(args), store, args);
        }
        String[] keygen = {"key", "generate", "--name", "me", "--no-passphrase", "--store", store.toString()};
        assertDiskFull(ebpm(keygen), store.resolve("keys"), keygen);
    }

    @Test
    void anInstallThatRunsOutOfSpaceLeavesNothingBehind() throws Exception {
        Path big = archive("bigsnoop", 2 << 20);
        Path filler = fill();
        // room to open the store, not to store the package
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - (600 << 10)));
        }
        assertDiskFull(ebpm("install", "--allow-unsigned", "--store", store.toString(), big.toString()), store, "install");
        Files.delete(filler);
        CliProcess.Result list = ebpm("list", "--store", store.toString());
        assertEquals("no packages installed\n", list.stdout(), list.stderr());
        try (Stream<Path> s = Files.list(store.resolve("tmp"))) {
            assertEquals(0, s.count(), "no temp file left");
        }
        assertEquals(0, ebpm("install", "--allow-unsigned", "--store", store.toString(), big.toString()).exitCode(), "with room it installs");
    }
}
