package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.trust.Passphrases;
import dev.ebpm.core.hub.Publisher;
import dev.ebpm.core.session.Session;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm publish [DIR|ARCHIVE] --hub H [--key K]}: packs a package directory if needed, signs it and uploads both. */
@Command(name = "publish", description = {"Publish a package to an ebpm hub.", "", "Publish a package to an ebpm hub. DIR (default .) must hold an ebpm.json; it is",
        "packed first (reproducibly). An .ebpm archive is uploaded as it is. Versions are immutable.",
        "With --key the manifest is signed and the signature uploaded with the archive (an archive's ARCHIVE.sig is",
        "sent if there is one); the hub checks it against the publisher's registered keys and serves it to clients."})
public final class PublishCommand implements Runnable {
    @Parameters(paramLabel = "DIR|ARCHIVE", arity = "0..1", description = "package directory or .ebpm archive (default: .)")
    Path what = Path.of(".");

    @Option(names = "--hub", required = true, paramLabel = "HUB", description = "a configured hub name, or the hub's URL")
    String hubName;

    @Option(names = "--token", paramLabel = "TOKEN", description = "publish token (default: $EBPM_TOKEN)")
    String token;

    @Option(names = "--key", paramLabel = "NAME", description = "sign with this key (ebpm key generate); required once the hub has your key")
    String key;

    @Option(names = "--passphrase-file", paramLabel = "F", description = "the signing key's passphrase, first line of F")
    Path passFile;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        String t = token != null ? token : System.getenv("EBPM_TOKEN");
        if (t == null || t.isBlank()) throw new UserError("publishing needs a token: --token TOKEN or EBPM_TOKEN (a hub admin creates one with `ebpm-hub token create`)");
        try (Session s = hub.session()) {
            Publisher.Published p = new Publisher(s).publish(what, hubName, t, key, Passphrases.from(passFile));
            if (p.signer() != null) System.err.println("ebpm: signed " + p.hub().name() + "@" + p.hub().version() + " with key " + p.signer());
            System.out.println("published " + p.hub().name() + "@" + p.hub().version() + " to " + p.hubName() + " (" + p.hub().size() + " bytes"
                    + (p.signed() ? ", signed" : ", unsigned") + ")");
            System.out.println("sha256:" + p.hub().sha256());
        }
    }
}
