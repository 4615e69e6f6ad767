package dev.ebpm.store;

import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Child-process main for the crash and concurrency tests.
 * <pre>
 *   StoreWorker STORE loop SEED           install/uninstall/gc forever; prints "ready" once the store is open
 *   StoreWorker STORE install NAME VERSION   install one package (used with EBPM_CRASH_AT)
 *   StoreWorker STORE install-all SEED N     install N overlapping packages in a seeded order
 * </pre>
 * Exit 0 on success; 3 with "busy: MESSAGE" on stderr if the store stayed busy.
 */
public final class StoreWorker {
    static final String[] NAMES = {"opensnoop", "execsnoop", "biolatency", "tcpconnect", "runqlat", "bashreadline",
            "sigsnoop", "mountsnoop", "profile", "oomkill", "syscount", "filelife"};
    static final String[] VERSIONS = {"1.0.0", "1.1.0", "2.0.0-rc.1"};

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        try (LocalStore s = LocalStore.open(store)) {
            switch (args[1]) {
                case "loop" -> loop(s, new Random(Long.parseLong(args[2])));
                case "install" -> installViaArchive(s, args[2], args[3]);
                case "install-all" -> installAll(s, new Random(Long.parseLong(args[2])), Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException(args[1]);
            }
        } catch (StoreBusyException e) {
            System.err.println("busy: " + e.getMessage());
            System.exit(3);
        }
    }

    private static void installViaArchive(LocalStore s, String name, String version) throws Exception {
        byte[] archive = TestPackages.archive(name, version);
        s.installs().install(PackageArchive.unpack(new ByteArrayInputStream(archive)), archive, InstallSource.file(Path.of(name + ".ebpm")), new SignatureRecord("unsigned", null, null, false));
    }

    private static void loop(LocalStore s, Random rnd) throws Exception {
        System.out.println("ready");
        System.out.flush();
        while (true) {
            String name = NAMES[rnd.nextInt(NAMES.length)];
            String version = VERSIONS[rnd.nextInt(VERSIONS.length)];
            int op = rnd.nextInt(100);
            if (op < 15) {
                try {
                    s.installs().uninstall(PackageName.parse(name), rnd.nextBoolean() ? null : Version.parse(version));
                } catch (PackageNotInstalledException ignored) {
                    // fine: nothing to remove
                }
            } else if (op < 20) {
                s.maintenance().gc();
            } else {
                installViaArchive(s, name, version);
            }
        }
    }

    private static void installAll(LocalStore s, Random rnd, int n) throws Exception {
        List<String[]> todo = new ArrayList<>();
        for (int i = 0; i < n; i++) todo.add(new String[] {NAMES[i % NAMES.length], VERSIONS[i % VERSIONS.length]});
        Collections.shuffle(todo, rnd);
        for (String[] p : todo) {
            installViaArchive(s, p[0], p[1]);
        }
        System.out.println("installed " + n);
    }
}
