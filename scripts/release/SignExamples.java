import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.session.Directories;
import dev.ebpm.core.session.Reporter;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.registry.hubs.DirectoryHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Release step: builds every example from source, copies what a release serves for it (its package.json or app.wasm,
 * ebpm.json, README.md) into OUT/NAME, and signs the manifest the embedded hub will serve for it with the release key
 * (OUT/NAME/ebpm.sig), the way the examples signer does with a machine's key. Prints the key's built-in keys line.
 *
 * usage: java -cp ebpm.jar SignExamples.java EXAMPLES_DIR OUT_DIR CACHE_DIR RELEASE_KEY [PASSPHRASE_FILE]
 */
public class SignExamples {
    public static void main(String[] args) throws Exception {
        Path examples = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path cache = Path.of(args[2]);
        char[] pass = args.length > 4 ? Files.readString(Path.of(args[4])).lines().findFirst().orElse("").toCharArray() : null;
        SecretKey key = SecretKeyFile.read(Path.of(args[3]), pass);
        Reporter stderr = new Reporter() {
            @Override
            public void warning(String message) {
                System.err.println("release: warning: " + message);
            }

            @Override
            public void note(String message) {
                System.err.println("release: " + message);
            }
        };
        SourceBuilder builder = new SourceBuilder(stderr, new Directories(cache.resolve("config"), cache));
        List<Path> dirs;
        try (Stream<Path> s = Files.list(examples)) {
            dirs = s.filter(Files::isDirectory).filter(SourceBuilder::hasSources).sorted().toList();
        }
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            Path artifact = builder.build(dir);
            Path target = out.resolve(name);
            Files.createDirectories(target);
            Path served = target.resolve(artifact.getFileName());
            Files.copy(artifact, served, StandardCopyOption.REPLACE_EXISTING);
            for (String f : List.of("ebpm.json", "README.md")) {
                if (Files.isRegularFile(dir.resolve(f))) Files.copy(dir.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            UnpackedPackage pkg = DirectoryHub.packageAt(target, PackageName.parse(name), served);
            AtomicFiles.replace(target.resolve("ebpm.sig"), SignatureEnvelope.sign(key, pkg.manifest(), pkg.manifestJson()).toJson());
            System.err.println("release: " + pkg.manifest().id() + " signed by release key " + key.fingerprint().display());
        }
        System.out.println("examples " + key.publicKey().toText());
    }
}
