// SPDX-License-Identifier: MIT
// sigsnoop as a WebAssembly (WASI) program on the wasm-bpf host ABI. `ebpm build --wasm` compiles
// sigsnoop.bpf.c, generates sigsnoop.skel.h (the object and its package.json, embedded, behind a
// libbpf-style skeleton) and links this file into app.wasm. Prints one line per kill(2).
// Usage: app.wasm [-d SECONDS] [-s SIGNAL]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sigsnoop.h"
#include "sigsnoop.skel.h"

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	if (size < sizeof(*e))
		return 0;
	printf("pid=%u tpid=%d sig=%d ret=%d comm=%.16s\n", e->pid, (int)e->tpid, e->sig, e->ret, e->comm);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double duration = 0;
	int signal = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			duration = atof(argv[++i]);
		} else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			signal = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [-d SECONDS] [-s SIGNAL]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct sigsnoop_bpf *skel = sigsnoop_bpf__open();
	if (!skel) {
		fprintf(stderr, "sigsnoop: out of memory\n");
		return 1;
	}
	skel->rodata->target_signal = signal; /* written into the object before the kernel sees it */
	if (sigsnoop_bpf__load(skel)) {
		fprintf(stderr, "sigsnoop: cannot load the BPF object\n");
		sigsnoop_bpf__destroy(skel);
		return 1;
	}
	int err = sigsnoop_bpf__attach(skel);
	if (err < 0) {
		fprintf(stderr, "sigsnoop: cannot attach: %d\n", err);
		sigsnoop_bpf__destroy(skel);
		return 1;
	}
	struct bpf_buffer *events = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!events) {
		fprintf(stderr, "sigsnoop: no ring buffer 'events'\n");
		sigsnoop_bpf__destroy(skel);
		return 1;
	}
	fprintf(stderr, "sigsnoop: tracing kill(2)\n");

	double deadline = duration > 0 ? now() + duration : 0;
	while (!deadline || now() < deadline) {
		err = bpf_buffer__poll(events, 100);
		if (err < 0) {
			fprintf(stderr, "sigsnoop: poll failed: %d\n", err);
			break;
		}
	}
	bpf_buffer__free(events);
	sigsnoop_bpf__destroy(skel);
	return err < 0 ? 1 : 0;
}
