package dev.ebpm.cli.hub;

import dev.ebpm.cli.UserError;
import dev.ebpm.registry.HttpIndexHub;
import dev.ebpm.registry.PackageSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm yank NAME@VERSION --hub H}: hides a version from resolution (lockfiles still get it). */
@Command(name = "yank", description = {"Mark a published version as yanked: new installs skip it, installs pinned by",
        "ebpm.lock still get it. --undo reverses it."})
public final class YankCommand implements Runnable {
    @Parameters(paramLabel = "NAME@VERSION")
    String spec;

    @Option(names = "--hub", required = true, paramLabel = "HUB", description = "a configured hub name, or the hub's URL")
    String hubName;

    @Option(names = "--token", paramLabel = "TOKEN", description = "publish token (default: $EBPM_TOKEN)")
    String token;

    @Option(names = "--undo", description = "un-yank")
    boolean undo;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        PackageSpec s = PackageSpec.parse(spec);
        if (s.exact() == null) throw new UserError("yank needs an exact version: NAME@VERSION");
        String t = token != null ? token : System.getenv("EBPM_TOKEN");
        if (t == null || t.isBlank()) throw new UserError("yanking needs a token: --token TOKEN or EBPM_TOKEN");
        var c = hub.client();
        HttpIndexHub h = hubName.startsWith("http://") || hubName.startsWith("https://") ? c.indexHubAt(hubName) : c.indexHub(hubName);
        h.setYanked(s.name(), s.exact(), !undo, t);
        System.out.println((undo ? "un-yanked " : "yanked ") + s.name() + "@" + s.exact() + " on " + h.name());
    }
}
