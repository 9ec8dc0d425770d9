// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/break_if.h"

#include <stdio.h>
#include <string.h>

bool break_if_join(int n, char **words, char *out, size_t outlen)
{
	size_t len = 0;
	if (outlen == 0)
		return false;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + len, outlen - len, "%s%s", i ? " " : "", words[i]);
		if (w < 0 || (size_t)w >= outlen - len)
			return false;
		len += (size_t)w;
	}
	return true;
}

int break_if_parse(int n, char **words, struct break_args *out, char *err, size_t errlen)
{
	out->location = NULL;
	out->cond[0] = '\0';
	if (n < 1 || !strcmp(words[0], "if") || !strncmp(words[0], "if(", 3)) {
		snprintf(err, errlen, "a location comes first");
		return -1;
	}
	out->location = words[0];
	if (n == 1)
		return 0;
	const char *kw = words[1];
	if (strcmp(kw, "if") && strncmp(kw, "if(", 3)) {
		snprintf(err, errlen, "one location, then optionally 'if EXPR' (got '%s')", kw);
		return -1;
	}
	/* "if(x)": the condition starts at the parenthesis. */
	const char *head = kw[2] == '(' ? kw + 2 : "";
	size_t hl = strlen(head);
	bool fits = hl < sizeof(out->cond);
	if (fits) {
		memcpy(out->cond, head, hl + 1);
		char *rest = out->cond + hl + (hl && n > 2);
		if (hl && n > 2)
			out->cond[hl] = ' ';
		fits = break_if_join(n - 2, words + 2, rest, sizeof(out->cond) - (size_t)(rest - out->cond));
	}
	if (!fits) {
		snprintf(err, errlen, "the condition is longer than %d bytes", BP_COND_MAX - 1);
		return -1;
	}
	if (!out->cond[0]) {
		snprintf(err, errlen, "'if' needs a condition");
		return -1;
	}
	return 0;
}
