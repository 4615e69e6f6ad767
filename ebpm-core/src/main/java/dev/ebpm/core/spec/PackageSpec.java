package dev.ebpm.core.spec;

import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import dev.ebpm.registry.ArtifactReference;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the user named on the command line, parsed once for every command ({@code run}, {@code install}, {@code info},
 * {@code uninstall}, ...). The forms, tried in this order (ecli's: a local file, then a URL, then a registry):
 * <ol>
 *   <li>{@code -}: the package's bytes on standard input ({@link Stdin});</li>
 *   <li>{@code http://...}, {@code https://...}: a URL ({@link Url});</li>
 *   <li>{@code oci://REF}: an OCI registry reference, forced ({@link OciReference});</li>
 *   <li>{@code file:...}, a path starting with {@code /}, {@code ./}, {@code ../} or {@code ~/}, or a name ending in a
 *       package file's extension ({@code .json .o .wasm .ebpm}): a path ({@link LocalPath});</li>
 *   <li>{@code HOST/REPO[:TAG][@sha256:...]} where the first component has a {@code .} or {@code :} or is
 *       {@code localhost} (Docker's rule): an OCI registry reference;</li>
 *   <li>{@code HUB/NAME[@RANGE]} and {@code NAME[@RANGE]} ({@code RANGE}: a version, an npm/cargo range, {@code latest}
 *       or {@code *}): a package on the hubs or in the store ({@link Named});</li>
 *   <li>anything else that exists on disk: a path.</li>
 * </ol>
 * A word of forms 5 or 6 that also names a file in the current directory is ambiguous and refused, with the fix
 * ({@code ./WORD} for the file). {@link #form()} says which form was understood, so an error can say it too.
 */
public sealed interface PackageSpec permits PackageSpec.Named, PackageSpec.LocalPath, PackageSpec.Url, PackageSpec.Stdin,
        PackageSpec.OciReference {

    /** The text as typed. */
    String text();

    /** The form understood, for messages: "NAME[@RANGE]", "a file path", ... */
    String form();

    /** {@code [hub/]name[@range]}; {@code exact} is set when the range is one version, so a yanked one gets its own message. */
    record Named(String text, String hub, PackageName name, VersionRange range, Version exact) implements PackageSpec {
        public boolean anyVersion() {
            return exact == null && range.equals(VersionRange.any());
        }

        @Override
        public String form() {
            return hub == null ? "NAME[@RANGE]" : "HUB/NAME[@RANGE]";
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A file or directory on this machine. */
    record LocalPath(String text, Path path) implements PackageSpec {
        @Override
        public String form() {
            return "a file path";
        }
    }

    /** An http(s) URL of a package file. */
    record Url(String text, URI uri) implements PackageSpec {
        @Override
        public String form() {
            return "a URL";
        }
    }

    /** The package's bytes on standard input. */
    record Stdin(String text) implements PackageSpec {
        @Override
        public String form() {
            return "standard input";
        }
    }

    /** {@code registry/repository[:tag][@sha256:digest]}; the tag is "latest" when neither a tag nor a digest is given. */
    record OciReference(String text, String registry, String repository, String tag, String digest) implements PackageSpec {
        @Override
        public String form() {
            return "an OCI registry reference";
        }

        /** The reference as the registry client takes it. */
        public ArtifactReference artifact() {
            return new ArtifactReference(registry, repository, tag, digest);
        }
    }

    /** Parses {@code text}; throws {@link SpecException} naming the form it was read as and what is wrong. */
    static PackageSpec parse(String text) {
        return Parser.parse(text);
    }

    /** The grammar, kept out of the interface's public surface. */
    final class Parser {
        private static final Pattern HUB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
        private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
        private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
        private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?");

        private Parser() {
        }

        static PackageSpec parse(String text) {
            if (text == null || text.isBlank()) throw new SpecException("empty package spec");
            String s = text.strip();
            if (s.equals("-")) return new Stdin(s);
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) return url(s);
            if (lower.startsWith("oci://")) return oci(s, s.substring("oci://".length()));
            if (lower.startsWith("file:")) return new LocalPath(s, Path.of(URI.create(s).getPath()));
            if (looksLikePath(s) || hasPackageExtension(s)) return new LocalPath(s, expandHome(s));
            PackageSpec spec;
            try {
                spec = reference(s);
            } catch (SpecException notAReference) {
                if (exists(s)) return new LocalPath(s, Path.of(s)); // e.g. "pom.xml": no name, but a file here
                throw notAReference;
            }
            if (spec == null) {
                if (exists(s)) return new LocalPath(s, Path.of(s));
                throw new SpecException("\"" + s + "\" is not a package spec: a path starts with ./ or /, a registry reference with a host"
                        + " (registry.example/repo:tag), a hub package is [HUB/]NAME[@RANGE]");
            }
            if (exists(s)) {
                throw new SpecException("\"" + s + "\" is ambiguous: it reads as " + spec.form() + " and names a file here; write ./" + s
                        + " for the file");
            }
            return spec;
        }

        /** A registry reference or a hub package, or null if {@code s} has neither shape. */
        private static PackageSpec reference(String s) {
            int slash = s.indexOf('/');
            if (slash > 0) {
                String first = s.substring(0, slash);
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) return oci(s, s);
                if (s.indexOf('/', slash + 1) >= 0) return null;
                if (!HUB.matcher(first).matches()) throw new SpecException("invalid hub name \"" + first + "\" in \"" + s + "\" (read as HUB/NAME)");
                return named(s, first, s.substring(slash + 1));
            }
            if (slash == 0) return null;
            return named(s, null, s);
        }

        private static PackageSpec url(String s) {
            try {
                URI u = URI.create(s);
                if (u.getHost() == null || u.getHost().isEmpty()) throw new SpecException("\"" + s + "\" (read as a URL) has no host");
                return new Url(s, u);
            } catch (IllegalArgumentException e) {
                throw new SpecException("\"" + s + "\" (read as a URL) is not a valid URL: " + e.getMessage());
            }
        }

        private static Named named(String text, String hub, String rest) {
            int at = rest.indexOf('@');
            String nameText = at >= 0 ? rest.substring(0, at) : rest;
            String rangeText = at >= 0 ? rest.substring(at + 1).strip() : null;
            String form = hub == null ? "NAME[@RANGE]" : "HUB/NAME[@RANGE]";
            PackageName name;
            try {
                name = PackageName.parse(nameText);
            } catch (InvalidPackageException e) {
                throw new SpecException(e.getMessage() + " (\"" + text + "\" read as " + form + ")");
            }
            if (rangeText == null || rangeText.isEmpty() || rangeText.equals("*") || rangeText.equals("latest")) {
                return new Named(text, hub, name, VersionRange.any(), null);
            }
            try {
                Version exact = exactVersion(rangeText);
                return new Named(text, hub, name, exact != null ? VersionRange.exactly(exact) : VersionRange.parse(rangeText), exact);
            } catch (InvalidPackageException e) {
                throw new SpecException(e.getMessage() + " (\"" + text + "\" read as " + form + ")");
            }
        }

        private static Version exactVersion(String rangeText) {
            try {
                return Version.parse(rangeText.startsWith("=") ? rangeText.substring(1) : rangeText);
            } catch (InvalidPackageException notExact) {
                return null; // a range, not one version
            }
        }

        private static OciReference oci(String text, String ref) {
            String what = "\"" + text + "\" (read as an OCI registry reference: REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST])";
            int slash = ref.indexOf('/');
            if (slash <= 0) throw new SpecException(what + " names no repository");
            String registry = ref.substring(0, slash);
            if (!REGISTRY.matcher(registry).matches()) throw new SpecException(what + ": invalid registry \"" + registry + "\"");
            String rest = ref.substring(slash + 1);
            String digest = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
                if (!DIGEST.matcher(digest).matches()) throw new SpecException(what + ": invalid digest \"" + digest + "\" (sha256: and 64 hex digits)");
            }
            String tag = null;
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
                if (!TAG.matcher(tag).matches()) throw new SpecException(what + ": invalid tag \"" + tag + "\"");
            }
            if (!REPOSITORY.matcher(rest).matches()) {
                throw new SpecException(what + ": invalid repository \"" + rest + "\" (lower-case letters, digits, '.', '_', '-', '/')");
            }
            if (tag == null && digest == null) tag = "latest";
            return new OciReference(text, registry, rest, tag, digest);
        }

        private static boolean looksLikePath(String s) {
            return s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.startsWith("~/") || s.equals(".") || s.equals("..");
        }

        private static boolean hasPackageExtension(String s) {
            return s.endsWith(".json") || s.endsWith(".o") || s.endsWith(".wasm") || s.endsWith(".ebpm");
        }

        private static boolean exists(String s) {
            try {
                return Files.exists(Path.of(s));
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        private static Path expandHome(String s) {
            if (s.startsWith("~/")) return Path.of(System.getProperty("user.home"), s.substring(2));
            return Path.of(s);
        }
    }
}
