// SPDX-License-Identifier: MIT
// WASM side of the WASM host benchmark: loads bench/ringbuf's ringbench object (embedded by
// run.sh with xxd -i), lets the host fill the ring with COUNT events, then times how fast the
// records reach this module's callback through wasm_bpf_buffer_poll. Prints "<events> <seconds>".
// Usage: guest.wasm TGID COUNT ROUNDS. The host fills the ring when it reads "fill" on stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "libbpf-wasm.h"
#include "ringbench.bpf.h"

static unsigned long long seen, checksum;

static int on_event(void *ctx, void *data, size_t size)
{
	seen++;
	checksum += *(unsigned long long *)data; /* touch the record, as consumer.c does */
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sets the object's .rodata (target_tgid, events_per_trigger) in the ELF bytes before loading,
 * as wasm-bpf skeletons do through their rodata_offset: the ABI has no call for it. */
static int set_rodata(unsigned char *elf, unsigned int tgid, unsigned int count)
{
	unsigned long long shoff;
	unsigned short shentsize, shnum, shstrndx;
	memcpy(&shoff, elf + 0x28, 8);
	memcpy(&shentsize, elf + 0x3a, 2);
	memcpy(&shnum, elf + 0x3c, 2);
	memcpy(&shstrndx, elf + 0x3e, 2);
	unsigned long long stroff;
	memcpy(&stroff, elf + shoff + (unsigned long long)shstrndx * shentsize + 24, 8);
	for (int i = 0; i < shnum; i++) {
		unsigned char *sh = elf + shoff + (unsigned long long)i * shentsize;
		unsigned int name;
		unsigned long long off;
		memcpy(&name, sh, 4);
		memcpy(&off, sh + 24, 8);
		if (strcmp((char *)elf + stroff + name, ".rodata") == 0) {
			memcpy(elf + off, &tgid, 4);
			memcpy(elf + off + 4, &count, 4);
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s TGID COUNT ROUNDS\n", argv[0]);
		return 2;
	}
	unsigned int tgid = strtoul(argv[1], NULL, 10);
	unsigned int count = strtoul(argv[2], NULL, 10);
	int rounds = atoi(argv[3]);
	if (set_rodata(ringbench_bpf_o, tgid, count)) {
		fprintf(stderr, "no .rodata in the object\n");
		return 1;
	}
	bpf_object_handle obj = wasm_load_bpf_object(ringbench_bpf_o, (int)ringbench_bpf_o_len);
	if (!obj || wasm_attach_bpf_program(obj, "trigger", NULL) < 0) {
		fprintf(stderr, "cannot load or attach ringbench\n");
		return 1;
	}
	int fd = wasm_bpf_map_fd_by_name(obj, "events");
	static char buf[64];
	double best = 1e9;
	for (int r = 0; r < rounds; r++) {
		seen = 0;
		printf("fill\n");
		fflush(stdout);
		double t0 = now();
		while (seen < count) {
			int before = seen;
			if (wasm_bpf_buffer_poll(obj, fd, (int32_t)on_event, 0, buf, sizeof(buf), 0) < 0 || seen == before)
				break;
		}
		double t = now() - t0;
		if (seen != count) {
			fprintf(stderr, "drained %llu of %u\n", seen, count);
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("%u %.6f\n", count, best);
	wasm_close_bpf_object(obj);
	return checksum == 0xdeadbeef;
}
