/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sigsnoop: the event each finished kill(2), tkill(2) or tgkill(2) sends to user space.
 * Every struct here is an export type of the package (ecc's event header convention). */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	int pid;
	int tpid;
	int sig;
	int ret;
	char comm[TASK_COMM_LEN];
};

#endif
