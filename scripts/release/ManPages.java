import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Release build only (scripts/release.sh): writes the AsciiDoc man page of every ebpm command (ebpm.adoc,
 * ebpm-install.adoc, ebpm-hub-add.adoc, ...) from the command model, with picocli-codegen's ManPageGenerator; asciidoctor
 * turns them into roff. Run as java -cp ebpm.jar:picocli-codegen.jar ManPages.java OUT_DIR.
 */
public class ManPages {
    /** An italic parameter label holding brackets, as picocli writes it: _NAME[@VERSION]_. */
    private static final Pattern BRACKETED_LABEL = Pattern.compile("_([^_\\s]*[\\[\\]][^_\\s]*)_");

    public static void main(String[] args) throws Exception {
        CommandLine root = dev.ebpm.cli.Main.commandLine();
        unwrapped(root);
        File out = new File(args[0]);
        int code = ManPageGenerator.generateManPage(out, null, new boolean[0], true, root.getCommandSpec());
        try (Stream<Path> pages = Files.list(out.toPath())) {
            for (Path p : (Iterable<Path>) pages::iterator) Files.writeString(p, literalBrackets(Files.readString(p)));
        }
        System.exit(code);
    }

    /** A synopsis on one line: picocli wraps it at the help's width, and a break inside an option's markup shows in the page; man wraps it anyway. */
    static void unwrapped(CommandLine cl) {
        cl.getCommandSpec().usageMessage().width(1000);
        cl.getSubcommands().values().forEach(ManPages::unwrapped);
    }

    /**
     * Brackets in a label as AsciiDoc attributes ({startsb}, {endsb}): written as they are, asciidoctor reads
     * "[:PORT]_" as a role on the italics and drops text. Attributes are substituted after the italics are parsed.
     */
    static String literalBrackets(String adoc) {
        Matcher m = BRACKETED_LABEL.matcher(adoc);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement("_" + m.group(1).replace("[", "{startsb}").replace("]", "{endsb}") + "_"));
        }
        return m.appendTail(b).toString();
    }
}
