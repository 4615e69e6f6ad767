package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The option structs ebpm fills by offset must match the system's libbpf.h: compile a C program
 * against it and compare. (A wrong btf_custom_path offset once passed --btf as kconfig.)
 */
class LibbpfAbiTest {
    @Test
    void optionStructOffsetsMatchLibbpfHeader(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("offsets.c");
        Files.writeString(src, """
            #include <stdio.h>
            #include <stddef.h>
            #include <bpf/libbpf.h>
            int main(void) {
                printf("%zu %zu %zu %zu %zu %zu\\n",
                    sizeof(struct bpf_object_open_opts), offsetof(struct bpf_object_open_opts, object_name),
                    offsetof(struct bpf_object_open_opts, btf_custom_path), sizeof(struct bpf_uprobe_opts),
                    offsetof(struct bpf_uprobe_opts, retprobe), offsetof(struct bpf_uprobe_opts, func_name));
                return 0;
            }
            """);
        Process cc = new ProcessBuilder("cc", "-o", dir.resolve("offsets").toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "compiling against libbpf.h (libbpf-dev): " + ccOut);
        Process run = new ProcessBuilder(dir.resolve("offsets").toString()).start();
        String[] v = new String(run.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, run.waitFor());
        assertEquals(Integer.parseInt(v[0]), BpfObject.OPEN_OPTS_SIZE, "sizeof(bpf_object_open_opts)");
        assertEquals(Integer.parseInt(v[1]), BpfObject.OPTS_OBJECT_NAME, "object_name");
        assertEquals(Integer.parseInt(v[2]), BpfObject.OPTS_BTF_CUSTOM_PATH, "btf_custom_path");
        assertEquals(Integer.parseInt(v[3]), BpfProgram.UPROBE_OPTS_SIZE, "sizeof(bpf_uprobe_opts)");
        assertEquals(Integer.parseInt(v[4]), BpfProgram.UPROBE_OPTS_RETPROBE, "retprobe");
        assertEquals(Integer.parseInt(v[5]), BpfProgram.UPROBE_OPTS_FUNC_NAME, "func_name");
    }
}
