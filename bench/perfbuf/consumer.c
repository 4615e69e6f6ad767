// Native baseline for the perf buffer benchmark: libbpf's perf_buffer__consume with a trivial
// callback, over the same object the Java reader drains. Pinned to one CPU. Prints "<events> <seconds>".
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static unsigned long long seen, checksum, lost;

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	seen++;
	checksum += *(unsigned long long *)data;
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	lost += n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s OBJ PAGES TRIGGERS ROUNDS\n", argv[0]);
		return 2;
	}
	int pages = atoi(argv[2]), triggers = atoi(argv[3]), rounds = atoi(argv[4]);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	struct bpf_map *m, *rodata = NULL;
	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata")) rodata = m;
	size_t sz;
	unsigned int *ro = (unsigned int *)bpf_map__initial_value(rodata, &sz);
	ro[0] = getpid();
	ro[1] = 1024;
	if (bpf_object__load(obj)) { perror("load"); return 1; }
	struct bpf_link *link = bpf_program__attach(bpf_object__find_program_by_name(obj, "trigger"));
	if (!link) { perror("attach"); return 1; }
	struct perf_buffer *pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), pages, on_sample, on_lost, NULL, NULL);
	if (!pb) { perror("perf_buffer__new"); return 1; }
	double best = 1e9;
	unsigned long long expect = (unsigned long long)triggers * 1024;
	for (int r = 0; r < rounds; r++) {
		seen = 0;
		for (int t = 0; t < triggers; t++) syscall(SYS_getpid); /* fill CPU 0's buffer */
		double t0 = now();
		perf_buffer__consume(pb);
		double t = now() - t0;
		if (seen + lost < expect) { fprintf(stderr, "drained %llu of %llu\n", seen, expect); return 1; }
		if (t < best) best = t;
	}
	printf("%llu %.6f %llu\n", seen, best, lost);
	perf_buffer__free(pb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return checksum == 0xdeadbeef;
}
