// SPDX-License-Identifier: MIT
// Test guest for WasmRunnerTest: each mode exercises one part of the wasm_bpf host ABI, most of
// them wrongly on purpose. Embeds examples/sigsnoop-wasm's BPF object (the sigsnoop.skel.h ebpm build --wasm generates).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf-wasm.h"
#include "sigsnoop.skel.h"

struct event {
	uint32_t pid, tpid;
	int sig, ret;
	char comm[16];
};

/* What wasm-bpf's Go SDK imports: the poll that calls the exported "go-callback". */
__attribute__((import_module("callback-wrapper"), import_name("wasm_bpf_buffer_poll")))
int wrapper_buffer_poll(bpf_object_handle obj, int fd, uint32_t ctx, char *data, int max_size, int timeout_ms);

static bpf_object_handle the_object;

static bpf_object_handle load_and_attach(void)
{
	bpf_object_handle obj = wasm_load_bpf_object(sigsnoop_bpf__object, (int)sizeof(sigsnoop_bpf__object));
	if (!obj) {
		fprintf(stderr, "guest: load failed\n");
		exit(3);
	}
	if (wasm_attach_bpf_program(obj, "wsig_enter", "") || wasm_attach_bpf_program(obj, "wsig_exit", NULL)) {
		fprintf(stderr, "guest: attach failed\n");
		exit(4);
	}
	fprintf(stderr, "guest: attached\n");
	the_object = obj;
	return obj;
}

static int trapping_callback(void *ctx, void *data, size_t size)
{
	__builtin_trap();
}

static int closing_callback(void *ctx, void *data, size_t size)
{
	wasm_close_bpf_object(the_object);
	return 0;
}

__attribute__((export_name("go-callback"))) int go_callback(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	printf("go event pid=%u tpid=%d sig=%d size=%zu\n", e->pid, (int)e->tpid, e->sig, size);
	return 0;
}

static void wrong_callback(int x)
{
	printf("never %d\n", x);
}

static int counting_callback(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	(*(int *)ctx)++;
	printf("event pid=%u tpid=%d sig=%d size=%zu\n", e->pid, (int)e->tpid, e->sig, size);
	return 0;
}

static void poll_with(bpf_object_handle obj, int32_t fn, int timeout_ms)
{
	static char buf[256];
	int seen = 0;
	int fd = wasm_bpf_map_fd_by_name(obj, "events");
	for (;;) {
		int err = wasm_bpf_buffer_poll(obj, fd, fn, (uint32_t)&seen, buf, sizeof(buf), timeout_ms);
		if (err < 0) {
			printf("poll: %d\n", err);
			return;
		}
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "args")) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d]=%s\n", i, argv[i]);
		const char *v = getenv("EBPM_WASM_TEST");
		printf("env=%s\n", v ? v : "(unset)");
		return argc;
	}
	if (!strcmp(mode, "oob-pointer")) {
		wasm_load_bpf_object((const void *)0xfffff000u, 0x10000);
		return 0;
	}
	if (!strcmp(mode, "bad-handle")) {
		wasm_bpf_map_fd_by_name(4242, "events");
		return 0;
	}
	bpf_object_handle obj = load_and_attach();
	int inflight = wasm_bpf_map_fd_by_name(obj, "inflight");
	if (!strcmp(mode, "maps")) {
		uint32_t key = 7, next = 0;
		struct event v = {.pid = 1, .tpid = 2, .sig = 3, .ret = 4, .comm = "wasm"}, out = {0};
		int rc_update = bpf_map_update_elem(inflight, &key, &v, 0);
		int rc_lookup = bpf_map_lookup_elem(inflight, &key, &out);
		int rc_first = bpf_map_get_next_key(inflight, NULL, &next);
		int rc_delete = bpf_map_delete_elem(inflight, &key);
		int rc_missing = bpf_map_lookup_elem(inflight, &key, &out);
		int rc_cmd = wasm_bpf_map_operate(inflight, 99, &key, &out, NULL, 0);
		printf("update=%d lookup=%d value=%u/%u/%d/%d/%s first=%d next=%u delete=%d missing=%d badcmd=%d nomap=%d\n",
		       rc_update, rc_lookup, out.pid, out.tpid, out.sig, out.ret, out.comm, rc_first, next, rc_delete,
		       rc_missing, rc_cmd, wasm_bpf_map_fd_by_name(obj, "nosuchmap"));
		return wasm_close_bpf_object(obj);
	}
	if (!strcmp(mode, "bad-fd")) {
		uint32_t key = 0;
		struct event out;
		wasm_bpf_map_operate(9999, 1, &key, &out, NULL, 0);
		return 0;
	}
	if (!strcmp(mode, "oob-value")) {
		uint32_t key = 0;
		unsigned long end = __builtin_wasm_memory_size(0) * 65536ul;
		wasm_bpf_map_operate(inflight, 1, &key, (void *)(end - 8), NULL, 0);
		return 0;
	}
	if (!strcmp(mode, "wrong-signature"))
		poll_with(obj, (int32_t)wrong_callback, 100);
	if (!strcmp(mode, "trap-callback"))
		poll_with(obj, (int32_t)trapping_callback, 100);
	if (!strcmp(mode, "bad-table-index"))
		poll_with(obj, 100000, 100);
	if (!strcmp(mode, "poll"))
		poll_with(obj, (int32_t)counting_callback, 100);
	if (!strcmp(mode, "close-in-callback"))
		poll_with(obj, (int32_t)closing_callback, 100);
	if (!strcmp(mode, "go-poll")) {
		static char buf[64];
		int fd = wasm_bpf_map_fd_by_name(obj, "events");
		while (wrapper_buffer_poll(obj, fd, 0, buf, sizeof(buf), 100) >= 0)
			;
		return 1;
	}
	if (!strcmp(mode, "sleep")) {
		sleep(600);
		return 0;
	}
	if (!strcmp(mode, "spin")) {
		volatile unsigned long n = 0;
		for (;;)
			n++;
	}
	if (!strcmp(mode, "exit"))
		exit(7); /* leaves the object open: the host must close it */
	fprintf(stderr, "guest: unknown mode '%s'\n", mode);
	return 2;
}
