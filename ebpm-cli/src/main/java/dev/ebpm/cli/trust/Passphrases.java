package dev.ebpm.cli.trust;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.trust.Keys;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a key's passphrase comes from: {@code --passphrase-file}, {@code EBPM_KEY_PASSPHRASE_FILE}, or the terminal. */
public final class Passphrases {
    private Passphrases() {
    }

    public static Keys.Passphrases from(Path fileOrNull) {
        return (prompt, confirm) -> read(fileOrNull, prompt, confirm);
    }

    /** The first line of the file, else the terminal's answer (twice when confirming). */
    static char[] read(Path fileOrNull, String prompt, boolean confirm) {
        Path f = fileOrNull;
        if (f == null && System.getenv("EBPM_KEY_PASSPHRASE_FILE") != null) f = Path.of(System.getenv("EBPM_KEY_PASSPHRASE_FILE"));
        if (f != null) {
            try {
                String s = Files.readString(f, StandardCharsets.UTF_8).lines().findFirst().orElse("");
                if (s.isEmpty()) throw new UserError("passphrase file " + f + " is empty");
                return s.toCharArray();
            } catch (IOException e) {
                throw new UserError("cannot read passphrase file " + f + ": " + e.getMessage());
            }
        }
        Console c = System.console();
        if (c == null) throw new UserError("a passphrase is needed and there is no terminal: give --passphrase-file FILE");
        char[] p = c.readPassword(prompt);
        if (p == null || p.length == 0) throw new UserError("empty passphrase");
        if (confirm && !new String(p).equals(new String(c.readPassword("again: ")))) throw new UserError("the passphrases differ");
        return p;
    }
}
