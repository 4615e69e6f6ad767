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

    /** Creates {@code parent/name}; refuses a bad name or a non-empty existing directory. */
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
            Files.writeString(dir.resolve("ebpm.json"), manifest(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("README.md"), readme(name), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(".gitignore"), ".output/\npackage.json\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static final String[] WASM_TEMPLATE = {"app.c", "libbpf-wasm.h", "build.sh", "sigsnoop.bpf.c"};

    /**
     * Creates a WASM package {@code parent/name} shaped like examples/sigsnoop-wasm: the BPF side
     * (NAME.bpf.c), the user-space side against the wasm-bpf ABI (app.c, libbpf-wasm.h), build.sh
     * that embeds the object and links app.wasm with --export-table, and an ebpm.json of kind wasm.
     */
    public static Path createWasm(Path parent, String name) {
        Path dir = create(parent, name);
        String cName = name.replace('-', '_');
        try {
            Files.delete(dir.resolve(name + PackageBuilder.SOURCE_SUFFIX));
            for (String t : WASM_TEMPLATE) {
                String text;
                try (var in = ProjectScaffold.class.getResourceAsStream("/scaffold/wasm/" + t)) {
                    if (in == null) throw new IllegalStateException("WASM template " + t + " is missing from this build");
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                // the example is "sigsnoop": its file names, C identifiers (xxd's sigsnoop_bpf_o) and messages
                text = text.replace("sigsnoop", cName);
                // file names follow the C identifier too: build.sh derives xxd's array name from the object's file name
                Path out = dir.resolve(t.replace("sigsnoop", cName));
                Files.writeString(out, text, StandardCharsets.UTF_8);
                if (t.endsWith(".sh")) out.toFile().setExecutable(true);
            }
            ObjectNode m = (ObjectNode) new ObjectMapper().readTree(manifest(name));
            m.put("kind", "wasm").put("entry", "app.wasm");
            Files.writeString(dir.resolve("ebpm.json"), m.toPrettyString() + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(".gitignore"), ".output/\napp.wasm\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("README.md"), "# " + name + "\n\nA WebAssembly eBPF app on the wasm-bpf host ABI.\n\n"
                    + "Build: `./build.sh` (clang -target bpf, then clang --target=wasm32-wasi with wasi-libc)\n"
                    + "Run:   `sudo ebpm run " + name + "` (or `ebpm run app.wasm`)\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    static String source(String name) {
        return """
                // SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
                /* %1$s: report each exec with the process id and command name. */
                #include "vmlinux.h"
                #include <bpf/bpf_helpers.h>
                #include <bpf/bpf_tracing.h>
                #include <bpf/bpf_core_read.h>

                #define TASK_COMM_LEN 16

                struct event {
                	int pid;
                	int ppid;
                	char comm[TASK_COMM_LEN];
                };

                /// @description "Only report this process id (0: all)"
                /// @cmdarg {"short": "p"}
                const volatile pid_t target_pid = 0;

                /* exports struct event: ebpm prints what the ring buffer carries with its layout */
                struct event *__eunomia_dummy_event_ptr __attribute__((unused));

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
                - `ebpm.json`: the package manifest
                - `ebpm-build.json` (optional): descriptions and options merged into package.json

                Build and run:

                    ebpm build .
                    ebpm run package.json
                """.formatted(name);
    }
}
