// The event storm of bench/e2e: THREADS threads call kill(getpid(), 0) in a tight loop for SECONDS seconds, each call
// one sigsnoop event (signal 0 checks the target and delivers nothing). Prints its pid, waits for a line on stdin
// (the loader is attached by then), storms, and prints how many calls it made: the events both loaders should see.
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static atomic_long calls;
static volatile int stop;

static void *storm(void *arg)
{
	pid_t self = getpid();
	long n = 0;
	while (!stop) {
		kill(self, 0);
		n++;
	}
	atomic_fetch_add(&calls, n);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1;
	double seconds = argc > 2 ? atof(argv[2]) : 3;
	printf("%d\n", getpid());
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof(line), stdin)) return 1;
	pthread_t t[64];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads && i < 64; i++) pthread_create(&t[i], NULL, storm, NULL);
	usleep((useconds_t)(seconds * 1e6));
	stop = 1;
	for (int i = 0; i < threads && i < 64; i++) pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld %.3f\n", atomic_load(&calls), (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
