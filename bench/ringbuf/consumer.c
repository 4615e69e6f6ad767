// Native baseline for the ring buffer benchmark: libbpf's ring_buffer__consume with a trivial
// callback over the same object the Java consumer reads. Prints "<events> <seconds>".
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static unsigned long long seen;
static unsigned long long checksum;

static int on_event(void *ctx, void *data, size_t size)
{
	seen++;
	checksum += *(unsigned long long *)data; /* touch the record, as a real consumer would */
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
	if (argc < 3) {
		fprintf(stderr, "usage: %s OBJ EVENTS [ROUNDS]\n", argv[0]);
		return 2;
	}
	unsigned int count = atoi(argv[2]);
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) { perror("open"); return 1; }
	struct bpf_map *rodata = NULL, *m;
	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata")) rodata = m;
	size_t sz;
	unsigned int *ro = (unsigned int *)bpf_map__initial_value(rodata, &sz);
	ro[0] = getpid();
	ro[1] = count;
	if (bpf_object__load(obj)) { perror("load"); return 1; }
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "trigger");
	struct bpf_link *link = bpf_program__attach(prog);
	if (!link) { perror("attach"); return 1; }
	struct ring_buffer *rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
	double best = 1e9;
	for (int r = 0; r < rounds; r++) {
		seen = 0;
		syscall(SYS_getpid); /* fill: the BPF program emits `count` events now */
		double t0 = now();
		while (seen < count) {
			if (ring_buffer__consume(rb) <= 0) break;
		}
		double t = now() - t0;
		if (seen != count) { fprintf(stderr, "drained %llu of %u\n", seen, count); return 1; }
		if (t < best) best = t;
	}
	printf("%u %.6f\n", count, best);
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return checksum == 0xdeadbeef; /* keep checksum live */
}
