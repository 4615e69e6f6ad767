import dev.ebpm.core.hub.HubSetup;
import dev.ebpm.core.hub.Pusher;
import dev.ebpm.core.install.Installer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.RegistryOptions;
import dev.ebpm.registry.TransferListener;
import dev.ebpm.registry.TransportContext;
import dev.ebpm.registry.oci.MediaTypes;
import dev.ebpm.registry.oci.OciHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * prepare REGISTRY DIR MB: pushes an MB-sized ebpm package to REGISTRY/bench/big:1.0.0, and x@1.999.0 to
 * REGISTRY/team/x:1.999.0 with 999 more tags (1.0.0 ... 1.998.0) naming a manifest, so team/x has 1,000 tags.
 * pull REF RUNS DIR: `ebpm pull REF` through the Java API in this warm JVM, each run into a fresh store; median seconds.
 * install SPEC RUNS DIR [HUB LOCATION]: `ebpm install SPEC` likewise (with hub HUB added to each fresh store); median.
 */
public class OciBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "prepare" -> prepare(a[1], Path.of(a[2]), Integer.parseInt(a[3]));
            case "pull" -> System.out.println(median(Integer.parseInt(a[2]), Path.of(a[3]), null, null,
                    s -> new Installer(s).pull((PackageSpec.OciReference) PackageSpec.parse(a[1]), Installer.Request.allowingUnsigned())));
            default -> System.out.println(median(Integer.parseInt(a[2]), Path.of(a[3]), a.length > 4 ? a[4] : null, a.length > 5 ? a[5] : null,
                    s -> new Installer(s).install(PackageSpec.parse(a[1]), Installer.Request.allowingUnsigned())));
        }
    }

    interface Op {
        void run(Session s) throws Exception;
    }

    static double median(int runs, Path dir, String hub, String location, Op op) throws Exception {
        double[] t = new double[runs];
        for (int i = -2; i < runs; i++) {
            Path store = dir.resolve("run-" + i);
            delete(store);
            if (hub != null) {
                try (Session s = Session.open(Settings.defaults(store))) {
                    new HubSetup(s).add(hub, location, OciHub.TYPE, 50, false, false);
                }
            }
            long t0 = System.nanoTime();
            try (Session s = Session.open(Settings.defaults(store))) {
                op.run(s);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (i >= 0) t[i] = secs;
            delete(store);
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    static Path pkg(Path dir, String name, String version, byte[] payload) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name + "-" + version));
        Files.writeString(d.resolve("package.json"), "{\"bpf_skel\":{\"obj_name\":\"" + name + "_bpf\"}}");
        if (payload != null) Files.write(d.resolve("payload.bin"), payload);
        Files.writeString(d.resolve("ebpm.json"), "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"kind\":\"bpf\",\"entry\":\"package.json\"}");
        return d;
    }

    static void prepare(String registry, Path dir, int mb) throws Exception {
        byte[] payload = new byte[mb << 20];
        new Random(42).nextBytes(payload); // incompressible: the archive is as big as the payload
        try (Session s = Session.open(Settings.defaults(dir.resolve("pusher")).reporter(dev.ebpm.core.session.Reporter.SILENT))) {
            Pusher p = new Pusher(s);
            p.push(pkg(dir, "big", "1.0.0", payload), (PackageSpec.OciReference) PackageSpec.parse(registry + "/bench/big:1.0.0"), Pusher.Format.EBPM, null, null);
            Pusher.Pushed x = p.push(pkg(dir, "x", "1.999.0", null), (PackageSpec.OciReference) PackageSpec.parse(registry + "/team/x:1.999.0"),
                    Pusher.Format.EBPM, null, null);
            TransportContext ctx = new TransportContext(new Http(Http.Options.defaults()), dir.resolve("cache"), null, null, TransferListener.NONE,
                    RegistryOptions.defaults());
            var client = OciHub.client(registry, ctx);
            byte[] manifest = client.manifest("team/x", x.digest()).orElseThrow().bytes();
            for (int i = 0; i < 999; i++) client.pushManifest("team/x", "1." + i + ".0", MediaTypes.OCI_MANIFEST, manifest);
        }
    }

    static void delete(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }
}
