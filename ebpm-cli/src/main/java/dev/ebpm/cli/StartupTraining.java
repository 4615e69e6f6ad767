package dev.ebpm.cli;

import dev.ebpm.loader.KernelSupport;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Build time only (src/build/jvm-cache.sh): runs, in one JVM, the commands whose start-up counts, against a scratch
 * store, so that the JVM records the classes they load (an AppCDS archive on Java 17, an AOT cache with its profiles
 * on JDK 25). What a command prints is dropped and a failure is fine: what it loaded until then is recorded all the same.
 */
final class StartupTraining {
    private StartupTraining() {
    }

    /** @param args the scratch store */
    public static void main(String[] args) {
        String store = args[0];
        PrintStream out = System.out;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(quiet);
        System.setErr(quiet);
        run("--version");
        run("--help");
        run("list", "--store", store);
        run("ps", "--store", store);
        run("install", "-q", "--store", store, "sigsnoop");
        run("list", "--store", store);
        run("list", "--json", "--store", store);
        run("info", "--store", store, "sigsnoop");
        run("ps", "--json", "--store", store);
        run("logs", "--store", store, "0123456789ab");
        if (KernelSupport.hasBpfPrivileges()) {
            run("run", "--store", store, "--duration", "0.2", "sigsnoop");
            run("ps", "--programs", "--store", store);
        }
        out.println("trained");
    }

    private static void run(String... args) {
        try {
            Main.commandLine(args).execute(args);
        } catch (RuntimeException e) {
            // recorded what it loaded; the next command goes on
        }
    }
}
