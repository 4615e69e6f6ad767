package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.trust.Passphrases;
import dev.ebpm.core.hub.Pusher;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm push DIR|ARCHIVE|app.wasm REF}: ebpm's artifact with its signature referrer, or ecli's WASM artifact. */
@Command(name = "push", description = {"Push a package to an OCI registry.", "", "Push a package to an OCI registry. DIR (with an ebpm.json) is packed first; a .ebpm archive goes as",
        "it is, as ebpm's artifact, its signature (--key, else ARCHIVE.sig) attached as an OCI 1.1 referrer.",
        "With --format ecli, FILE is a WASM module pushed exactly as `ecli push` does, so ecli pull and ecli run read it."},
        footer = {"", "Examples:", "  ebpm push ./sigsnoop ghcr.io/myorg/sigsnoop:1.0.0 --key me",
            "  ebpm push --format ecli app.wasm localhost:5000/tools/execve:latest"})
public final class PushCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DIR|ARCHIVE|FILE", description = "package directory, .ebpm archive, or (--format ecli) a .wasm module")
    Path what;

    @Parameters(index = "1", paramLabel = "REF", description = "REGISTRY/REPO:TAG")
    String ref;

    @Option(names = "--format", paramLabel = "FORMAT", description = "ebpm (default) or ecli")
    String format = "ebpm";

    @Option(names = "--key", paramLabel = "NAME", description = "sign with this key (ebpm key generate)")
    String key;

    @Option(names = "--passphrase-file", paramLabel = "F", description = "the signing key's passphrase, first line of F")
    Path passFile;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        Pusher.Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "ebpm" -> Pusher.Format.EBPM;
            case "ecli" -> Pusher.Format.ECLI;
            default -> throw new UserError("--format takes ebpm or ecli, not " + format, 2);
        };
        PackageSpec spec = PackageSpec.parse(ref);
        if (!(spec instanceof PackageSpec.OciReference o)) {
            throw new UserError("\"" + ref + "\" is read as " + spec.form() + "; push takes a registry reference (REGISTRY/REPO:TAG)", 2);
        }
        if (f == Pusher.Format.ECLI && key != null) throw new UserError("--key signs ebpm artifacts; ecli's format has no place for a signature", 2);
        try (Session s = hub.session()) {
            Pusher.Pushed p = new Pusher(s).push(what, o, f, key, Passphrases.from(passFile));
            if (p.signer() != null) System.err.println("ebpm: signed " + p.id() + " with key " + p.signer());
            System.out.println("pushed " + p.id() + " to " + p.reference() + (f == Pusher.Format.ECLI ? " (ecli format)" : p.signed() ? " (signed)" : " (unsigned)"));
            System.out.println(p.digest());
        }
    }
}
