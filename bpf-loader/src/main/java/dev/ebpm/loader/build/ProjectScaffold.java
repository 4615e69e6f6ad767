package dev.ebpm.loader.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code ebpm init}: a package directory that {@code ebpm build} builds as it stands. */
public final class ProjectScaffold {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private ProjectScaffold() {}

    /**
     * Creates {@code parent/name} in eunomia's layout: NAME.bpf.c, NAME.h (its event), ebpm.json, README.md,
     * .gitignore and the CI workflow; refuses a bad name or a non-empty existing directory.
     */
    public static Path create(Path parent, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad package name '" + name
                    + "': use a lower-case letter, then letters, digits, '-' or '_' (at most 64)");
        }
        Path dir = parent.resolve(name);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("directory " + dir + " already exists and is not empty");
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + PackageBuilder.SOURCE_SUFFIX), source(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(name + ".h"), header(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("ebpm.json"), manifest(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("README.md"), readme(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(".gitignore"), ".output/\npackage.json\n", StandardCharsets.UTF_8);
            writeWorkflow(dir, name, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** The bundled WASM example's sources, copied in at build time: the BPF side, its event header, the app. */
    private static final String[] WASM_TEMPLATE = {"app.c", "sigsnoop.bpf.c", "sigsnoop.h"};

    /**
     * Creates a WASM package {@code parent/name} shaped like examples/sigsnoop-wasm: the BPF side (NAME.bpf.c, and
     * NAME.h for the event both sides share), the user-space side (app.c, against the NAME.skel.h that
     * {@code ebpm build --wasm} generates), and an ebpm.json of kind wasm; {@code ebpm build --wasm DIR} builds it.
     */
    public static Path createWasm(Path parent, String name) {
        Path dir = create(parent, name);
        String cName = name.replace('-', '_');
        try {
            Files.delete(dir.resolve(name + PackageBuilder.SOURCE_SUFFIX));
            Files.delete(dir.resolve(name + ".h"));
            for (String t : WASM_TEMPLATE) {
                String text;
                try (var in = ProjectScaffold.class.getResourceAsStream("/scaffold/wasm/" + t)) {
                    if (in == null) throw new IllegalStateException("WASM template " + t + " is missing from this build");
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                // the example is "sigsnoop": its file names, C identifiers (sigsnoop_bpf, SIGSNOOP_H) and messages
                text = text.replace("sigsnoop", cName).replace("SIGSNOOP", cName.toUpperCase(java.util.Locale.ROOT));
                // file names follow the C identifier too: app.c includes NAME.h and NAME.skel.h
                Files.writeString(dir.resolve(t.replace("sigsnoop", cName)), text, StandardCharsets.UTF_8);
            }
            ObjectNode m = (ObjectNode) new ObjectMapper().readTree(manifest(name));
            m.put("kind", "wasm").put("entry", WasmAppBuilder.APP_FILE);
            Files.writeString(dir.resolve("ebpm.json"), m.toPrettyString() + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(".gitignore"), ".output/\napp.wasm\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("README.md"), "# " + name + "\n\nA WebAssembly eBPF app on the wasm-bpf host ABI: "
                    + name + ".bpf.c runs in the kernel, app.c in the WASM runtime; " + name + ".h is the event both share.\n\n"
                    + "Build: `ebpm build --wasm .` (clang -target bpf, a generated " + cName + ".skel.h, then clang --target=wasm32-wasi with wasi-libc)\n"
                    + "Run:   `sudo ebpm run app.wasm`\n"
                    + "CI:    `.github/workflows/ebpm.yml` runs the same commands, and publishes on a v* tag\n", StandardCharsets.UTF_8);
            writeWorkflow(dir, name, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** Where {@code ebpm init} puts the CI workflow. */
    public static final String WORKFLOW = ".github/workflows/ebpm.yml";

    private static void writeWorkflow(Path dir, String name, boolean wasm) throws IOException {
        Path f = dir.resolve(WORKFLOW);
        Files.createDirectories(f.getParent());
        Files.writeString(f, workflow(name, wasm), StandardCharsets.UTF_8);
    }

    /**
     * A GitHub Actions workflow that builds the package, runs it for a few seconds on the runner's kernel, and on a
     * tag {@code vVERSION} (matching ebpm.json's version) publishes it to the hub named by the repository variable
     * EBPM_HUB with the secret EBPM_TOKEN, as eunomia's ebpm-template does with ecc. Every run step is an ordinary
     * command, the same that builds and tests the package on a developer's machine.
     */
    static String workflow(String name, boolean wasm) {
        String build = wasm ? "ebpm build --wasm ." : "ebpm build .";
        String artifact = wasm ? WasmAppBuilder.APP_FILE : PackageBuilder.PACKAGE_FILE;
        return """
                # %1$s: build, test and publish with ebpm (written by `ebpm init`).
                # Each run step is a plain command: run it in this directory to do the same on your machine.
                # Repository settings it reads: variable EBPM_GIT (the ebpm repository to install from), variable EBPM_HUB
                # (the hub's name or URL) and secret EBPM_TOKEN (a publish token for it).
                name: ebpm package

                on:
                  push:
                    branches: [main]
                    tags: ['v*']
                  pull_request:

                jobs:
                  package:
                    runs-on: ubuntu-24.04
                    steps:
                      - uses: actions/checkout@v4

                      - name: Install ebpm
                        env:
                          EBPM_GIT: ${{ vars.EBPM_GIT }}
                        run: |
                          git clone --depth 1 "$EBPM_GIT" "$RUNNER_TEMP/ebpm"
                          sudo "$RUNNER_TEMP/ebpm/scripts/setup.sh"
                          echo "$RUNNER_TEMP/ebpm" >> "$GITHUB_PATH"

                      - name: Build
                        run: %2$s

                      - name: Test
                        # loads and attaches it on the runner's kernel, prints its events for 3 seconds
                        run: sudo "$(command -v ebpm)" run --duration 3 %3$s

                      - name: Check the tag against ebpm.json
                        if: startsWith(github.ref, 'refs/tags/v')
                        run: |
                          grep -Eq "\\"version\\" *: *\\"${GITHUB_REF_NAME#v}\\"" ebpm.json

                      - name: Publish
                        if: startsWith(github.ref, 'refs/tags/v')
                        env:
                          EBPM_HUB: ${{ vars.EBPM_HUB }}
                          EBPM_TOKEN: ${{ secrets.EBPM_TOKEN }}
                        run: ebpm publish . --hub "$EBPM_HUB"
                """.formatted(name, build, artifact);
    }

    static String source(String name) {
        return """
                // SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
                /* %1$s: report each exec with the process id and command name. */
                #include "vmlinux.h"
                #include <bpf/bpf_helpers.h>
                #include <bpf/bpf_tracing.h>
                #include <bpf/bpf_core_read.h>
                #include "%1$s.h"

                /// @description "Only report this process id (0: all)"
                /// @cmdarg {"short": "p"}
                const volatile pid_t target_pid = 0;

                struct {
                	__uint(type, BPF_MAP_TYPE_RINGBUF);
                	__uint(max_entries, 256 * 1024);
                } events SEC(".maps");

                SEC("tp/sched/sched_process_exec")
                int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
                {
                	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
                	pid_t pid = bpf_get_current_pid_tgid() >> 32;
                	struct event *e;

                	if (target_pid && pid != target_pid)
                		return 0;
                	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
                	if (!e)
                		return 0;
                	e->pid = pid;
                	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
                	bpf_get_current_comm(&e->comm, sizeof(e->comm));
                	bpf_ringbuf_submit(e, 0);
                	return 0;
                }

                char LICENSE[] SEC("license") = "Dual BSD/GPL";
                """.formatted(name);
    }

    /** ecc's event header: every struct in it is an export type, what ebpm prints ring buffer records with. */
    static String header(String name) {
        String guard = name.replace('-', '_').toUpperCase(java.util.Locale.ROOT) + "_H";
        return """
                /* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
                /* %1$s: what each exec sends to user space. Every struct here is an export type of the package:
                 * ebpm run prints the ring buffer's records with it (ecc's event header convention). */
                #ifndef %2$s
                #define %2$s

                #define TASK_COMM_LEN 16

                struct event {
                	int pid;
                	int ppid;
                	char comm[TASK_COMM_LEN];
                };

                #endif
                """.formatted(name, guard);
    }

    static String manifest(String name) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("name", name);
        m.put("version", "0.1.0");
        m.put("description", "");
        m.put("license", "BSD-2-Clause OR GPL-2.0-only");
        m.put("kind", "bpf");
        m.put("entry", PackageBuilder.PACKAGE_FILE);
        ObjectNode requires = m.putObject("requires");
        requires.put("btf", true);
        requires.put("ringbuf", true);
        requires.putArray("attach").add("tracepoint");
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String readme(String name) {
        return """
                # %1$s

                An eBPF program packaged with ebpm: it reports every exec (pid, parent pid, command).

                - `%1$s.bpf.c`: the program (CO-RE; `vmlinux.h` is generated at build time)
                - `%1$s.h`: the event it sends to user space (every struct here is an export type, as with ecc)
                - `ebpm.json`: the package manifest
                - `ebpm-build.json` (optional): descriptions and options merged into package.json
                - `.github/workflows/ebpm.yml`: CI that runs the commands below, and publishes on a `v*` tag

                Build and run:

                    ebpm build .
                    sudo ebpm run package.json
                """.formatted(name);
    }
}
