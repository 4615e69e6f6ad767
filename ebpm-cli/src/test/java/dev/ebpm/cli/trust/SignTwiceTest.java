package dev.ebpm.cli.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import dev.ebpm.cli.InProcess;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signature is never part of what it signs: a package directory packed and signed twice in a row (the archive and
 * its .sig land in the directory itself, beside an ebpm.sig an older ebpm left there) packs to the same bytes, its
 * manifest never lists a signature, it installs verified, and the directory's ebpm.json is never rewritten.
 */
class SignTwiceTest {
    @TempDir
    Path tmp;

    /** Runs an ebpm command in-process; {@code store} (null: none) is added to the commands that take one. */
    private CliProcess.Result ok(Path store, String... args) {
        CliProcess.Result r = InProcess.execute(store == null ? args : InProcess.withStore(store.toString(), args));
        assertEquals(0, r.exitCode(), () -> String.join(" ", args) + ": " + r.stderr());
        return r;
    }

    private static PackageManifest manifestOf(Path archive) throws Exception {
        try (InputStream in = Files.newInputStream(archive)) {
            return PackageArchive.unpack(in).manifest();
        }
    }

    @Test
    void signingTwiceInARowNeverPutsASignatureInThePackage() throws Exception {
        Path store = tmp.resolve("store");
        ok(store, "key", "generate", "--name", "alice", "--no-passphrase");
        ok(store, "key", "trust", store.resolve("keys/alice.pub").toString());

        Path dir = Files.createDirectories(tmp.resolve("sigsnoop"));
        String template = "{\"name\":\"sigsnoop\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\"}\n";
        Files.writeString(dir.resolve("ebpm.json"), template);
        Files.copy(Examples.built("sigsnoop").resolve("package.json"), dir.resolve("package.json"));
        Files.writeString(dir.resolve("ebpm.sig"), "{\"left\":\"by an older ebpm\"}");

        Path archive = dir.resolve("sigsnoop-1.0.0.ebpm");
        ok(null, "pack", dir.toString(), "-o", dir.toString());
        ok(store, "sign", archive.toString(), "--key", "alice");
        byte[] first = Files.readAllBytes(archive);
        ok(null, "pack", dir.toString(), "-o", dir.toString());
        ok(store, "sign", archive.toString(), "--key", "alice");
        assertArrayEquals(first, Files.readAllBytes(archive), "the second pack saw the first one's signature");
        assertTrue(Files.isRegularFile(Path.of(archive + ".sig")));
        assertEquals(List.of("package.json"), List.copyOf(manifestOf(archive).files().keySet()));
        assertEquals(template, Files.readString(dir.resolve("ebpm.json")), "pack never rewrites the directory's ebpm.json");

        CliProcess.Result r = ok(store, "install", archive.toString());
        assertTrue(r.stdout().startsWith("installed sigsnoop@1.0.0"), r.stdout());
        String info = ok(store, "info", "sigsnoop").stdout();
        assertTrue(info.contains("  signature:   verified: key "), info);
        assertTrue(!info.contains(".sig"), "no signature among the installed files: " + info);
        // the directory itself installs as the same archive: already there
        assertEquals("sigsnoop@1.0.0 is already installed", ok(store, "install", "--allow-unsigned", dir.toString()).stdout().strip());
        assertEquals(template, Files.readString(dir.resolve("ebpm.json")));
    }

    @Test
    void aManifestListingItsOwnSignatureIsRefused() throws Exception {
        // made with tar(1), as someone could by hand: ebpm.json lists ebpm.sig, with its right digest
        Path dir = Files.createDirectories(tmp.resolve("evil"));
        Files.writeString(dir.resolve("package.json"), "{}");
        Files.writeString(dir.resolve("ebpm.sig"), "{}");
        String sha = dev.ebpm.pkg.Digests.sha256Hex("{}".getBytes());
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"evil\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\",\"files\":{"
                + "\"ebpm.sig\":{\"sha256\":\"" + sha + "\",\"size\":2},\"package.json\":{\"sha256\":\"" + sha + "\",\"size\":2}}}");
        Path archive = tmp.resolve("evil-1.0.0.ebpm");
        Process tar = new ProcessBuilder("tar", "--format=ustar", "--owner=0", "--group=0", "-czf", archive.toString(), "-C", dir.toString(),
                "ebpm.json", "ebpm.sig", "package.json").redirectErrorStream(true).start();
        assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes()));
        CliProcess.Result r = InProcess.execute(InProcess.withStore(tmp.resolve("store").toString(), "install", "--allow-unsigned", archive.toString()));
        assertEquals(1, r.exitCode());
        assertEquals("ebpm: error: manifest field \"files\": lists the signature file \"ebpm.sig\"; a signature is never part of what it signs"
                + " (ebpm pack leaves *.sig files out)\n", r.stderr());
    }
}
