/* SPDX-License-Identifier: GPL-2.0 */
/* runqlat: one histogram of run queue latency, log2 slots. */
#ifndef RUNQLAT_H
#define RUNQLAT_H

#define MAX_SLOTS 26
#define TASK_COMM_LEN 16

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif
