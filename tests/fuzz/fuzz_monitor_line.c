// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: a line typed at the monitor prompt, taken apart as
 * mon_execute does (parse_split, the command word and its /FORMAT,
 * mon_find_command) and each argument read the ways commands read them
 * (parse_u64, parse_size, parse_seconds, an expression, NAME=VALUE as
 * `regs` takes it). Seeds: the commands of the tests' monitor scripts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/commands.h"
#include "monitor/expr.h"
#include "monitor/parse.h"
#include "monitor/reg_access.h"
#include "monitor/xfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reg(void *opaque, const char *name, uint64_t *val)
{
	return reg_get(opaque, name, val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reg_file rf;
	struct expr_env env = { reg, NULL, &rf };
	char *argv[PARSE_MAX_ARGS], err[256];
	struct xfmt xf;
	uint64_t u;
	double secs;

	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	int argc = parse_split(line, argv, PARSE_MAX_ARGS, err, sizeof(err));
	if (argc > 0) {
		char name[32];
		const char *slash = strchr(argv[0], '/');
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[0], "/"), argv[0]);
		mon_find_command(name);
		xfmt_init(&xf);
		if (slash)
			xfmt_parse(slash, &xf, err, sizeof(err));
		for (int i = 1; i < argc; i++) {
			parse_u64(argv[i], &u);
			parse_size(argv[i], &u);
			parse_seconds(argv[i], &secs);
			char *eq = strchr(argv[i], '=');
			if (eq) {
				*eq = '\0';
				if (expr_eval(eq + 1, &env, &u, err, sizeof(err)) == 0)
					reg_set(&rf, argv[i], u);
			} else {
				expr_eval(argv[i], &env, &u, err, sizeof(err));
			}
		}
	}
	free(line);
	return 0;
}
