/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* profile: one sample of what a CPU was running, with its kernel and user stacks. */
#ifndef PROFILE_H
#define PROFILE_H

#define TASK_COMM_LEN 16
#define MAX_STACK_DEPTH 8

typedef unsigned long long stack_trace_t[MAX_STACK_DEPTH];

struct stacktrace_event {
	unsigned int pid;
	unsigned int cpu_id;
	char comm[TASK_COMM_LEN];
	int kstack_sz;
	int ustack_sz;
	stack_trace_t kstack;
	stack_trace_t ustack;
};

#endif
