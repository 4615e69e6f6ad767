package dev.ebpm.cli.shell;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ebpm completion bash|zsh|fish}: the completion script for a shell, on standard output. */
@Command(name = "completion", description = {"Print the shell completion script for bash, zsh or fish.",
    "",
    "The release installs them (/usr/share/bash-completion/completions/ebpm, /usr/share/zsh/vendor-completions/_ebpm, "
        + "/usr/share/fish/vendor_completions.d/ebpm.fish); from a checkout or a tarball, load one yourself: "
        + "`source <(ebpm completion bash)` in ~/.bashrc, `ebpm completion fish > ~/.config/fish/completions/ebpm.fish`, "
        + "or `ebpm completion zsh > ~/.zfunc/_ebpm` with ~/.zfunc on $fpath."})
public final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish")
    Shell shell;

    @Override
    public Integer call() {
        // Main builds the whole command tree for this command (it is what the script completes)
        var root = spec.root().commandLine();
        String script = switch (shell) {
            case bash -> CompletionScripts.bash(root);
            case zsh -> CompletionScripts.zsh(root);
            case fish -> CompletionScripts.fish(root);
        };
        System.out.print(script);
        return 0;
    }
}
