package dev.ebpm.cli.trust;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper matrix for archives installed from files (the hub path has its own in HubTrustTest): each case checks the
 * exact error line, exit 1, and that nothing was stored.
 */
class TrustCommandsTest {
    record Result(int exit, String out, String err) {
    }

    @TempDir Path tmp;
    Path store;
    Path dist;

    static Result ebpm(String... args) {
        CliProcess.Result r = InProcess.execute(args);
        return new Result(r.exitCode(), r.stdout(), r.stderr());
    }

    Result ebpmS(String... args) {
        return ebpm(InProcess.withStore(store.toString(), args));
    }

    Result ok(String... args) {
        Result r = ebpmS(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r.err());
        return r;
    }

    @BeforeEach
    void setUp() throws Exception {
        store = tmp.resolve("store");
        dist = tmp.resolve("dist");
        ok("key", "generate", "--name", "alice", "--no-passphrase");
        ok("key", "generate", "--name", "mallory", "--no-passphrase");
        ok("key", "trust", store.resolve("keys/alice.pub").toString());
    }

    Path pack(String name, String description) throws Exception {
        Path src = tmp.resolve("src-" + name + "-" + description);
        Files.createDirectories(src);
        Files.writeString(src.resolve("ebpm.json"), "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\",\"description\":\"" + description + "\"}");
        Files.writeString(src.resolve("package.json"), "{\"bpf_skel\":{\"obj_name\":\"" + name + "_bpf\"}}");
        Files.writeString(src.resolve("data.bin"), "PAYLOAD-" + name);
        Path out = tmp.resolve("packed-" + name + "-" + description);
        return PackageArchive.pack(src, out);
    }

    Path signed(String name, String key) throws Exception {
        Path a = pack(name, "demo");
        ok("sign", a.toString(), "--key", key);
        return a;
    }

    void refused(Path archive, String expectedError) throws Exception {
        Result r = ebpmS("install", archive.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("ebpm: error: " + expectedError + "\n", r.err());
        assertNothingStored();
    }

    void assertNothingStored() throws Exception {
        assertEquals("no packages installed\n", ok("list").out());
        try (Stream<Path> s = Files.walk(store.resolve("blobs"))) {
            assertEquals(0, s.filter(Files::isRegularFile).count(), "blobs were written");
        }
    }

    /** Replaces {@code from} (once) by {@code to} (same length) inside the archive's tar stream, keeping its .sig. */
    static Path edit(Path archive, String from, String to, Path outDir) throws Exception {
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(archive)))) {
            tar = in.readAllBytes();
        }
        String s = new String(tar, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(from);
        assertTrue(at >= 0 && s.indexOf(from, at + 1) < 0, "expected one \"" + from + "\" in the tar");
        byte[] edited = (s.substring(0, at) + to + s.substring(at + from.length())).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(edited);
        }
        Files.createDirectories(outDir);
        Path out = outDir.resolve(archive.getFileName());
        Files.write(out, bos.toByteArray());
        Path sig = Path.of(archive + SignatureEnvelope.SUFFIX);
        if (Files.exists(sig)) Files.copy(sig, Path.of(out + SignatureEnvelope.SUFFIX));
        return out;
    }

    String fp(String key) throws Exception {
        return dev.ebpm.pkg.trust.PublicKey.parse(Files.readString(store.resolve("keys/" + key + ".pub"))).fingerprint().display();
    }

    @Test
    void signedPackageInstallsVerifiedAndRuns() throws Exception {
        Path a = signed("demo", "alice");
        Result r = ok("install", a.toString());
        assertTrue(r.out().startsWith("installed demo@1.0.0"), r.out());
        assertEquals("", r.err());
        String info = ok("info", "demo").out();
        assertTrue(info.contains("  signature:   verified: key " + fp("alice") + ", file/URL\n"), info);
    }

    @Test
    void flippedByteInTheArchive() throws Exception {
        Path a = signed("demo", "alice");
        byte[] b = Files.readAllBytes(a);
        b[b.length - 6] ^= 0x01; // inside gzip's CRC-32 trailer
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.write(bad.resolve(a.getFileName()), b);
        Files.copy(Path.of(a + ".sig"), bad.resolve(a.getFileName() + ".sig"));
        refused(bad.resolve(a.getFileName()), "archive: corrupt gzip data (Corrupt GZIP trailer)");
    }

    @Test
    void flippedByteInOneFile() throws Exception {
        Path a = signed("demo", "alice");
        String sha = Digests.sha256Hex("PAYLOAD-demo".getBytes(StandardCharsets.UTF_8));
        refused(edit(a, "PAYLOAD-demo", "PAYLOAD-dem0", tmp.resolve("bad")), "archive entry \"data.bin\": sha256 mismatch: ebpm.json says "
                + sha + ", content is " + Digests.sha256Hex("PAYLOAD-dem0".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void flippedByteInTheManifest() throws Exception {
        Path a = signed("demo", "alice");
        refused(edit(a, "\"description\":\"demo\"", "\"description\":\"dEmo\"", tmp.resolve("bad")),
                "package demo@1.0.0: ebpm.json does not match its signature (signed sha256:" + manifestSha(a).substring(0, 16)
                        + "..., found sha256:" + manifestSha(tmp.resolve("bad").resolve(a.getFileName())).substring(0, 16)
                        + "...): the manifest was changed after signing; refused; nothing was installed");
    }

    @Test
    void flippedByteInTheSignature() throws Exception {
        Path a = signed("demo", "alice");
        Path sig = Path.of(a + ".sig");
        String s = Files.readString(sig);
        int at = s.indexOf("\"signature\":\"") + 20;
        char c = s.charAt(at);
        Files.writeString(sig, s.substring(0, at) + (c == 'A' ? 'B' : 'A') + s.substring(at + 1));
        refused(a, "package demo@1.0.0: signature does not verify with key " + fp("alice")
                + " (alice) (the signature was altered or made over other data); refused; nothing was installed");
    }

    @Test
    void validSignatureByAnUntrustedKey() throws Exception {
        refused(signed("demo", "mallory"), "package demo@1.0.0 is signed by key " + fp("mallory")
                + ", which is not trusted for files and URLs; refused (if you trust the signer: ebpm key trust KEYFILE); nothing was installed"
                + " (or, unverified: --allow-unsigned)");
    }

    @Test
    void signatureByARevokedKey() throws Exception {
        Path a = signed("demo", "alice");
        ok("key", "revoke", fp("alice"), "--reason", "laptop stolen");
        Result r = ebpmS("install", a.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ebpm: error: package demo@1.0.0 is signed by key " + fp("alice") + ", which was revoked (revoked 20"), r.err());
        assertTrue(r.err().endsWith(": laptop stolen); refused; nothing was installed\n"), r.err());
        assertNothingStored();
        // --allow-unsigned does not let a revoked key's package in
        assertEquals(1, ebpmS("install", "--allow-unsigned", a.toString()).exit());
        assertNothingStored();
    }

    @Test
    void signatureOfAnotherPackageSubstituted() throws Exception {
        Path good = pack("demo", "demo");
        Path other = signed("other", "alice");
        Files.copy(Path.of(other + ".sig"), Path.of(good + ".sig"));
        refused(good, "package demo@1.0.0: the signature is for other@1.0.0, not for this package (renamed after signing, or a substituted signature);"
                + " refused; nothing was installed");
    }

    @Test
    void packageRenamedAfterSigning() throws Exception {
        Path a = signed("demo", "alice");
        refused(edit(a, "\"name\":\"demo\"", "\"name\":\"dem0\"", tmp.resolve("bad")),
                "package dem0@1.0.0: the signature is for demo@1.0.0, not for this package (renamed after signing, or a substituted signature);"
                        + " refused; nothing was installed");
    }

    @Test
    void missingSignatureRefusedThenAllowedAndMarked() throws Exception {
        Path a = pack("demo", "demo");
        refused(a, "package demo@1.0.0 is not signed; refused, nothing was installed (to install it anyway, unverified: --allow-unsigned)");
        Result r = ok("install", "--allow-unsigned", a.toString());
        assertEquals("ebpm: warning: installing demo@1.0.0 UNSIGNED (--allow-unsigned): nothing vouches for where it came from; recorded in the store\n", r.err());
        String info = ok("info", "demo").out();
        assertTrue(info.contains("  signature:   unsigned (ALLOWED UNVERIFIED with --allow-unsigned)\n"), info);
        assertTrue(ok("info", "demo", "--json").out().contains("\"allow_unsigned\" : true"));
        assertTrue(ok("list").out().contains(" unsigned "));
    }

    @Test
    void untrustedKeyAllowedIsMarkedUntrusted() throws Exception {
        Result r = ok("install", "--allow-unsigned", signed("demo", "mallory").toString());
        assertTrue(r.err().contains("signed by UNTRUSTED key " + fp("mallory")), r.err());
        assertTrue(ok("info", "demo").out().contains("  signature:   untrusted: key " + fp("mallory") + ", file/URL (ALLOWED UNVERIFIED with --allow-unsigned)\n"));
    }

    @Test
    void runCatchesABlobChangedOnDiskAndARevokedKey() throws Exception {
        Path a = signed("demo", "alice");
        ok("install", a.toString());
        String sha = Digests.sha256Hex("PAYLOAD-demo".getBytes(StandardCharsets.UTF_8));
        Path blob = store.resolve("blobs/sha256/" + sha.substring(0, 2) + "/" + sha);
        Files.writeString(blob, "PAYLOAD-dem0");
        Result r = ebpmS("run", "demo");
        assertEquals(1, r.exit());
        assertEquals("ebpm: error: blob sha256:" + sha + " for demo@1.0.0:data.bin is corrupt (changed on disk since install);"
                + " run 'ebpm cache verify --repair' and reinstall\n", r.err());
        Files.writeString(blob, "PAYLOAD-demo");
        ok("key", "revoke", fp("alice"));
        r = ebpmS("run", "demo");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ebpm: error: refusing to run demo@1.0.0: package demo@1.0.0 is signed by key " + fp("alice")
                + ", which was revoked (revoked 20"), r.err());
    }

    @Test
    void runOfAnUnsignedInstallWarns() throws Exception {
        ok("install", "--allow-unsigned", pack("demo", "demo").toString());
        Result r = ebpmS("run", "demo");
        // the package itself is a stub that fails to decode; the warning comes first
        assertTrue(r.err().startsWith("ebpm: warning: running demo@1.0.0, installed UNSIGNED with --allow-unsigned: its origin was never verified\n"), r.err());
    }

    @Test
    void keyFilesAndPassphrases() throws Exception {
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "hunter2 hunter2\n");
        ok("key", "generate", "--name", "sealed", "--passphrase-file", pass.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("keys/sealed.key"))));
        Path a = pack("demo", "demo");
        Files.writeString(tmp.resolve("wrong"), "nope\n");
        Result r = ebpmS("sign", a.toString(), "--key", "sealed", "--passphrase-file", tmp.resolve("wrong").toString());
        assertEquals("ebpm: error: " + store.resolve("keys/sealed.key") + ": wrong passphrase (or the key file was altered)\n", r.err());
        ok("sign", a.toString(), "--key", "sealed", "--passphrase-file", pass.toString());
        assertEquals(store.resolve("keys/sealed.pub").toString().isEmpty(), false);
        String exported = ok("key", "export", "sealed").out();
        assertTrue(exported.startsWith("ebpm-ed25519 "), exported);
        ok("key", "trust", fp("sealed").replace(" ", "").substring(0, 20));
        ok("install", a.toString());
        String list = ok("key", "list").out();
        assertTrue(list.contains(fp("sealed") + "    any source    user"), list);
        assertEquals(1, ebpmS("key", "generate", "--name", "sealed", "--no-passphrase").exit());
    }

    private static String manifestSha(Path archive) throws Exception {
        try (var in = Files.newInputStream(archive)) {
            return Digests.sha256Hex(PackageArchive.unpack(in).manifestJson());
        }
    }
}
