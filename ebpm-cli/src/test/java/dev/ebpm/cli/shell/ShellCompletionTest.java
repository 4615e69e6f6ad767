package dev.ebpm.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion scripts `ebpm completion` prints, run by the real shells: bash completes commands, options and an
 * installed package's name (asked of `ebpm __complete`, an `ebpm` on PATH as the user has); fish and zsh the same.
 */
class ShellCompletionTest {
    @TempDir static Path tmp;
    static Path store;
    static Path bin;

    @BeforeAll
    static void storeWithAPackageAndEbpmOnPath() throws Exception {
        store = tmp.resolve("store");
        Path pkg = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(pkg.resolve("ebpm.json"), "{\"name\":\"tcpwatch\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\","
                + "\"description\":\"a package to complete\",\"license\":\"GPL-2.0\",\"requires\":{\"btf\":true}}");
        Files.writeString(pkg.resolve("package.json"), "{\"bpf_skel\":{\"obj_name\":\"tcpwatch_bpf\"}}");
        Files.write(pkg.resolve("tcpwatch.bpf.o"), "ELF tcpwatch".getBytes());
        CliProcess.Result r = InProcess.execute("install", "--allow-unsigned", "--store", store.toString(), pkg.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        // `ebpm` as the scripts call it: this build's classes, with the launcher's properties
        bin = Files.createDirectories(tmp.resolve("bin"));
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path")));
        java.addAll(CliProcess.properties());
        java.add(Main.class.getName());
        Path ebpm = bin.resolve("ebpm");
        Files.writeString(ebpm, "#!/bin/sh\nexec " + String.join(" ", java.stream().map(a -> "'" + a + "'").toList()) + " \"$@\"\n");
        Files.setPosixFilePermissions(ebpm, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static Path script(String shell) throws Exception {
        CliProcess.Result r = InProcess.execute("completion", shell);
        assertEquals(0, r.exitCode(), r.stderr());
        Path file = tmp.resolve("ebpm." + shell);
        Files.writeString(file, r.stdout());
        return file;
    }

    /** Runs {@code code} in {@code shell} with the test's ebpm first on PATH and its store as the user's; stdout. */
    static String shell(String shell, String code) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", shell)), shell + " is not installed (scripts/setup.sh installs it): not checked");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/" + shell, "-c", code).redirectErrorStream(false);
        pb.environment().putAll(Map.of("PATH", bin + ":" + System.getenv("PATH"), "EBPM_HOME", store.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), shell + " failed:\n" + err + out);
        return out;
    }

    /** What bash's completion function offers for the words typed so far (the last one being completed). */
    static List<String> bashOffers(Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) array.append(" '").append(w).append('\'');
        String out = shell("bash", "source " + script + "\nCOMP_WORDS=(" + array + ")\nCOMP_CWORD=" + (words.length - 1)
                + "\n_complete_ebpm ebpm '" + words[words.length - 1] + "' '" + words[words.length - 2] + "' 2>/dev/null\nprintf '%s\\n' \"${COMPREPLY[@]}\"");
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsOptionsAndInstalledPackages() throws Exception {
        Path bash = script("bash");
        assertTrue(shell("bash", "source " + bash + "\ncomplete -p ebpm").contains("-F _complete_ebpm"), "bash registers the function for ebpm");
        List<String> commands = bashOffers(bash, "ebpm", "");
        assertTrue(commands.containsAll(List.of("install", "run", "list", "hub", "env", "completion")), commands.toString());
        assertTrue(commands.stream().noneMatch(c -> c.startsWith("__")), "the hidden command is not offered: " + commands);
        List<String> i = bashOffers(bash, "ebpm", "i");
        assertTrue(i.containsAll(List.of("install", "info", "init", "import")) && i.stream().allMatch(c -> c.startsWith("i")), i.toString());
        assertEquals(List.of("tcpwatch"), bashOffers(bash, "ebpm", "run", "tc"));
        assertTrue(bashOffers(bash, "ebpm", "uninstall", "").contains("tcpwatch"));
        assertTrue(bashOffers(bash, "ebpm", "hub", "").containsAll(List.of("add", "list", "remove")));
        assertTrue(bashOffers(bash, "ebpm", "install", "--o").contains("--offline"));
    }

    @Test
    void fishCompletesCommandsAndInstalledPackages() throws Exception {
        Path fish = script("fish");
        shell("fish", "fish -n " + fish);
        String commands = shell("fish", "source " + fish + "; complete -C'ebpm '");
        assertTrue(commands.lines().anyMatch(l -> l.startsWith("install\t")), commands);
        String packages = shell("fish", "source " + fish + "; complete -C'ebpm run tc'");
        assertEquals("tcpwatch", packages.strip());
        String options = shell("fish", "source " + fish + "; complete -C'ebpm hub add --'");
        assertTrue(options.contains("--store"), options);
    }

    /**
     * zsh completes only in its line editor: an interactive zsh on a pseudo-terminal (zpty) loads the script as the
     * vendor directory would (autoloaded from $fpath by compinit) and is sent a line and a TAB; what it prints then is
     * the line as completed.
     */
    @Test
    void zshCompletesSubcommandsAndInstalledPackages() throws Exception {
        Path zsh = script("zsh");
        assertTrue(Files.readString(zsh).startsWith("#compdef ebpm\n"), "an autoloadable completion function");
        shell("zsh", "zsh -n " + zsh);
        Path functions = Files.createDirectories(tmp.resolve("zsh-functions"));
        Files.copy(zsh, functions.resolve("_ebpm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String session = "zmodload zsh/zpty\n"
                + "zpty z 'zsh -f -i'\n"
                + "zpty -w z 'PS1=\"> \"; fpath=(" + functions + " $fpath); autoload -U compinit; compinit -u -d " + tmp.resolve("zcompdump") + "'\n"
                + "complete() { zpty -w -n z \"$1\"$'\\t'; local out; zpty -r z out \"*$2*\"; print -r -- \"$2\"; zpty -w -n z $'\\C-u'; }\n"
                + "complete 'ebpm hub a' 'ebpm hub add'\n"
                + "complete 'ebpm info tc' 'ebpm info tcpwatch'\n"
                + "zpty -d z\n";
        // each zpty -r waits until the completed line shows: a completion that fails hangs it until the timeout
        assertEquals("ebpm hub add\nebpm info tcpwatch\n", shell("zsh", "timeout 30 zsh -f -c " + shellQuote(session)));
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    void completeListsRunsAndPackagesQuietly() throws Exception {
        CliProcess.Result r = CliProcess.run(Map.of("EBPM_HOME", store.toString()), Duration.ofMinutes(1), "__complete", "packages");
        assertEquals(List.of("tcpwatch"), r.stdout().lines().toList());
        r = CliProcess.run(Map.of("EBPM_HOME", tmp.resolve("none").toString()), Duration.ofMinutes(1), "__complete", "runs");
        assertEquals(0, r.exitCode());
        assertEquals("", r.stdout() + r.stderr());
        assertTrue(Files.notExists(tmp.resolve("none")), "completion creates no store");
    }
}
