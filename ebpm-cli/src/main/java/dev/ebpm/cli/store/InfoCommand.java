package dev.ebpm.cli.store;

import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.RegistryFlags;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.cli.output.Terminal;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.store.PackageInfo;
import dev.ebpm.store.SignatureRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", description = {"Show what a package is, installed or not.", "", "Show a package: for an installed one its manifest, files and digests, where it came from and its signature status; else what a hub or the file says."})
public final class InfoCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin RegistryFlags registries;

    @Parameters(paramLabel = "PACKAGE", description = "An installed package NAME[@VERSION|@RANGE] (default: its current version), a package on the hubs, or a package file, directory or URL.")
    String spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin NetworkOptions network;

    @Override
    public Integer call() throws Exception {
        Inventory.Description d;
        try (Session s = Session.open(registries.apply(store.settings(network.offline, true, false)))) {
            d = new Inventory(s).describe(PackageSpec.parse(spec));
        }
        if (d instanceof Inventory.Remote r) {
            if (json) {
                StoreOutput.json(System.out, dev.ebpm.cli.hub.RemoteInfoPrinter.json(r.info()));
            } else {
                dev.ebpm.cli.hub.RemoteInfoPrinter.print(r.info(), System.out);
            }
            return 0;
        }
        if (d instanceof Inventory.Local l) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("origin", l.origin());
                out.put("manifest", StoreOutput.mapper().readValue(l.manifest().toJson(), JsonNode.class));
                StoreOutput.json(System.out, out);
            } else {
                printManifest(l.origin() + " (not installed)", l.manifest());
            }
            return 0;
        }
        Inventory.Installed installed = (Inventory.Installed) d;
        PackageInfo info = installed.info();
        SignatureRecord sig = installed.signature();
        InstalledVersion v = info.installed();
        PackageManifest m = info.manifest();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", v.name().value());
            out.put("version", v.version().toString());
            out.put("current", v.current());
            out.put("installed_versions", info.allVersions().stream().map(Object::toString).toList());
            Map<String, Object> install = StoreOutput.installRecord(v);
            install.put("signer", signer(sig));
            install.put("trusted_for", sig.trustSource());
            out.put("install", install);
            out.put("manifest_sha256", v.manifestSha256());
            out.put("archive_sha256", v.archiveSha256());
            out.put("manifest", StoreOutput.mapper().readValue(m.toJson(), JsonNode.class));
            StoreOutput.json(System.out, out);
            return 0;
        }
        List<List<String>> fields = manifestFields(m);
        fields.add(List.of("versions:", String.join(", ", info.allVersions().stream()
                .map(x -> x.equals(v.version()) ? x + " (this)" : x.toString()).toList())));
        fields.add(List.of("installed:", StoreOutput.when(v)));
        fields.add(List.of("source:", v.source() == null ? "-" : v.source().toString()));
        fields.add(List.of("signature:", signatureLine(v, sig)));
        fields.add(List.of("manifest:", "sha256:" + v.manifestSha256()));
        if (v.archiveSha256() != null) fields.add(List.of("archive:", "sha256:" + v.archiveSha256()));
        print(v.id() + (v.current() ? " (current)" : ""), fields, m);
        return 0;
    }

    /** The manifest's own fields: kind, description, license, authors, homepage, keywords, entry, requires, build. */
    private static List<List<String>> manifestFields(PackageManifest m) {
        List<List<String>> fields = new ArrayList<>();
        fields.add(List.of("kind:", m.kind().id()));
        if (m.description() != null) fields.add(List.of("description:", m.description()));
        if (m.license() != null) fields.add(List.of("license:", m.license()));
        if (!m.authors().isEmpty()) fields.add(List.of("authors:", String.join(", ", m.authors())));
        if (m.homepage() != null) fields.add(List.of("homepage:", m.homepage()));
        if (!m.keywords().isEmpty()) fields.add(List.of("keywords:", String.join(", ", m.keywords())));
        fields.add(List.of("entry:", m.entry()));
        fields.add(List.of("requires:", requires(m.requires())));
        if (!m.build().isEmpty()) {
            fields.add(List.of("built with:", String.join(", ", m.build().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())));
        }
        return fields;
    }

    private static void printManifest(String title, PackageManifest m) {
        List<List<String>> fields = manifestFields(m);
        fields.add(1, List.of("version:", m.version().toString()));
        print(title, fields, m);
    }

    private static void print(String title, List<List<String>> fields, PackageManifest m) {
        System.out.println(Terminal.escape(title));
        StringBuilder b = new StringBuilder();
        for (List<String> f : fields) b.append(String.format("  %-13s%s%n", f.get(0), f.get(1)));
        b.append("  files:\n");
        System.out.print(Terminal.escape(b.toString()));
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, PackageManifest.FileEntry> f : m.files().entrySet()) {
            rows.add(List.of("    sha256:" + f.getValue().sha256(), Long.toString(f.getValue().size()), f.getKey()));
        }
        dev.ebpm.cli.output.TextTable.print(System.out, List.of("    DIGEST", "SIZE", "PATH"), rows);
    }

    /** "verified: key 3475 0f98 ... for hub examples", or "unsigned (unsigned allowed)". */
    static String signatureLine(InstalledVersion v, SignatureRecord sig) {
        String signer = signer(sig);
        String scope = sig.trustSource() == null ? "" : KeyRing.ANY_SOURCE.equals(sig.trustSource()) ? ", file/URL" : ", hub " + sig.trustSource();
        StringBuilder b = new StringBuilder(v.signatureStatus());
        if (signer != null) b.append(": key ").append(signer).append(scope);
        if (sig.pinned()) b.append(": content named by digest ").append(sig.trustSource()).append(" (a foreign format: no ebpm signature)");
        if (v.allowUnsigned()) b.append(" (ALLOWED UNVERIFIED with --allow-unsigned)");
        return b.toString();
    }

    private static String signer(SignatureRecord sig) {
        if (sig.envelopeJson() == null) return null;
        try {
            return SignatureEnvelope.parse(sig.envelopeJson()).key().display();
        } catch (RuntimeException e) {
            return "(unreadable signature)";
        }
    }

    private static String requires(PackageManifest.Requires r) {
        List<String> parts = new ArrayList<>();
        if (r.btf()) parts.add("btf");
        if (r.ringbuf()) parts.add("ringbuf");
        if (!r.attach().isEmpty()) parts.add("attach " + String.join("/", r.attach()));
        if (r.minKernel() != null) parts.add("kernel >= " + r.minKernel());
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
}
