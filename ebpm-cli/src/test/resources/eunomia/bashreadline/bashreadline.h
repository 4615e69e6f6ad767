/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bashreadline: one line read by an interactive bash. */
#ifndef BASHREADLINE_H
#define BASHREADLINE_H

#define MAX_LINE_SIZE 80
#define TASK_COMM_LEN 16

struct str_t {
	int pid;
	char comm[TASK_COMM_LEN];
	char str[MAX_LINE_SIZE];
};

#endif
