package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.hub.Publisher;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm yank NAME@VERSION --hub H}: hides a version from resolution (lockfiles still get it). */
@Command(name = "yank", description = {"Mark a published version as yanked (or --undo it).", "", "Mark a published version as yanked: new installs skip it, installs pinned by",
        "ebpm.lock still get it. --undo reverses it."})
public final class YankCommand implements Runnable {
    @Parameters(paramLabel = "NAME@VERSION", description = "the package and the exact version to yank")
    String spec;

    @Option(names = "--hub", required = true, paramLabel = "HUB", description = "a configured hub name, or the hub's URL")
    String hubName;

    @Option(names = "--token", paramLabel = "TOKEN", description = "publish token (default: $EBPM_TOKEN)")
    String token;

    @Option(names = "--undo", description = "un-yank the version: installs may pick it again")
    boolean undo;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        String t = token != null ? token : System.getenv("EBPM_TOKEN");
        if (t == null || t.isBlank()) throw new UserError("yanking needs a token: --token TOKEN or EBPM_TOKEN");
        PackageSpec.Named n = HubCommand.named(spec);
        try (Session s = hub.session()) {
            String on = new Publisher(s).yank(n, hubName, t, !undo);
            System.out.println((undo ? "un-yanked " : "yanked ") + n.name() + "@" + n.exact() + " on " + on);
        }
    }
}
