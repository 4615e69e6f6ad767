/* SPDX-License-Identifier: MIT */
/* What each kill(2) sends to user space: shared by the BPF side and the WASM app, so both agree on the layout
 * (ecc's event header convention: every struct here is an export type of the package). */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	unsigned int pid;
	unsigned int tpid;
	int sig;
	int ret;
	char comm[TASK_COMM_LEN];
};

#endif
