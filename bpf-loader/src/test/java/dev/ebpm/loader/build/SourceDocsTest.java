package dev.ebpm.loader.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SourceDocsTest {
    @Test
    void commentsAttachToTheDeclarationBelow() {
        JsonNode docs = SourceDocs.parse("""
                /// Trace signals
                /// @version "1.0"
                char LICENSE[] SEC("license") = "GPL";

                /// @description "target pid"
                /// @cmdarg {"short": "p", "long": "pid"}
                const volatile pid_t targ_pid = 0;

                /// plain words here
                const volatile int arr[4] = {1, 2, 3, 4};

                /// @sample {"interval": 1000, "type": "log2_hist"}
                struct {
                	__uint(type, BPF_MAP_TYPE_HASH);
                	__type(key, u32);
                } hists SEC(".maps");

                /// a struct, not a variable
                struct event { int pid; };

                /// helper, not a program
                static int helper(void) { return 0; }

                /// the exec handler
                SEC("tp/sched/sched_process_exec")
                int handle_exec(void *ctx)
                {
                	return 0;
                }

                /// BPF_PROG style
                SEC("tp_btf/sched_switch")
                int BPF_PROG(sched_switch, bool preempt)
                {
                	return 0;
                }
                """);
        assertEquals("target pid", docs.at("/variables/targ_pid/description").asText());
        assertEquals("p", docs.at("/variables/targ_pid/cmdarg/short").asText());
        assertEquals("plain words here", docs.at("/variables/arr/description").asText());
        assertEquals(1000, docs.at("/maps/hists/sample/interval").asInt());
        assertEquals("Trace signals", docs.at("/doc/description").asText());
        assertEquals("1.0", docs.at("/doc/version").asText());
        assertEquals("the exec handler", docs.at("/progs/handle_exec/description").asText());
        assertEquals("BPF_PROG style", docs.at("/progs/sched_switch/description").asText());
        assertFalse(docs.path("variables").has("event"));
        assertFalse(docs.path("progs").has("helper"));
    }
}
