// SPDX-License-Identifier: GPL-3.0-or-later
/* TAB completion: the command word first; then what that command takes
 * (subjects of info, virtio device names for vq, diagnose and trace
 * virtio, consoles, register names for regs, commands for help), and
 * elsewhere $registers and kernel symbols. */
#include "monitor/complete.h"

#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio/virtio_board.h"
#include "monitor/commands.h"
#include "monitor/reg_access.h"
#include "monitor/symtab.h"
#include "board/machine.h"

static struct monitor *cmon;   /* readline's callbacks take no context */

/* Successive candidates of one kind; readline calls with state 0 first. */
typedef const char *(*candidate_fn)(int i);

static candidate_fn cur_fn;

static char *list_generator(const char *text, int state)
{
	static int i;
	static size_t len;
	const char *c;

	if (!state) {
		i = 0;
		len = strlen(text);
	}
	while ((c = cur_fn(i++)))
		if (!strncmp(c, text, len))
			return strdup(c);
	return NULL;
}

static const char *command_at(int i)
{
	return i < mon_ncommands ? mon_commands[i].name : NULL;
}

static const char *info_subject_at(int i)
{
	return mon_info_subjects[i].name;   /* NULL-terminated */
}

static const char *trace_word_at(int i)
{
	static const char *const s[] = { "on", "off", "last", "virtio", NULL };
	return i < (int)(sizeof(s) / sizeof(s[0])) ? s[i] : NULL;
}

static const char *on_off_at(int i)
{
	return i == 0 ? "on" : i == 1 ? "off" : NULL;
}

static const char *device_at(int i)
{
	static struct virtio_board_dev bd;
	return virtio_board_get(cmon->m->virtio, i, &bd) == 0 ? bd.name : NULL;
}

static const char *console_at(int i)
{
	static char name[16];
	if (i == 0)
		return "ttyS0";
	if (i > cmon->m->cfg.nhvcs)
		return NULL;
	snprintf(name, sizeof(name), "hvc%d", i - 1);
	return name;
}

/* regs NAME=VALUE: the names, with the '=' to type the value after. */
static char *register_assign_generator(const char *text, int state)
{
	static int iter;
	char *out = NULL;

	if (!state)
		iter = 0;
	const char *name = reg_complete(text, &iter);
	if (name && asprintf(&out, "%s=", name) < 0)
		out = NULL;
	return out;
}

static char *register_generator(const char *text, int state)
{
	static int iter;
	char *out = NULL;

	if (!state)
		iter = 0;
	const char *name = reg_complete(text + 1, &iter);
	if (name && asprintf(&out, "$%s", name) < 0)
		out = NULL;
	return out;
}

static char *symbol_generator(const char *text, int state)
{
	static size_t iter;

	if (!state)
		iter = 0;
	const char *name = cmon->syms ? symtab_complete(cmon->syms, text, &iter) : NULL;
	return name ? strdup(name) : NULL;
}

static char **complete_list(const char *text, candidate_fn fn)
{
	cur_fn = fn;
	return rl_completion_matches(text, list_generator);
}

/* The words before the one being completed: the command (its canonical
 * name, aliases followed) and the argument index. */
static char **mon_complete(const char *text, int start, int end)
{
	char words[4][32] = { "" };
	int nwords = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	for (int i = 0; i < start && nwords < 4;) {
		while (i < start && rl_line_buffer[i] == ' ')
			i++;
		int b = i;
		while (i < start && rl_line_buffer[i] != ' ')
			i++;
		if (i > b)
			snprintf(words[nwords++], sizeof(words[0]), "%.*s", i - b, rl_line_buffer + b);
	}
	if (nwords == 0)
		return complete_list(text, command_at);
	const struct mon_command *c = mon_find_command(words[0]);
	const char *cmd = c ? c->name : "";
	if (nwords == 1 && !strcmp(cmd, "help"))
		return complete_list(text, command_at);
	if (nwords == 1 && !strcmp(cmd, "info"))
		return complete_list(text, info_subject_at);
	if (nwords == 1 && (!strcmp(cmd, "vq") || !strcmp(cmd, "diagnose")))
		return complete_list(text, device_at);
	if (nwords == 1 && !strcmp(cmd, "console"))
		return complete_list(text, console_at);
	if (nwords == 1 && !strcmp(cmd, "trace"))
		return complete_list(text, trace_word_at);
	if (nwords == 2 && !strcmp(cmd, "trace") && !strcmp(words[1], "virtio"))
		return complete_list(text, on_off_at);
	if (nwords == 3 && !strcmp(cmd, "trace") && !strcmp(words[1], "virtio") &&
	    !strcmp(words[2], "on"))
		return complete_list(text, device_at);
	/* regs NAME=VALUE: a name where a word starts; after the '=' (a
	 * word break) a value, completed as any expression below. */
	if (!strcmp(cmd, "regs") && rl_line_buffer[start - 1] == ' ') {
		rl_completion_append_character = '\0';   /* the value follows the '=' */
		return rl_completion_matches(text, register_assign_generator);
	}
	if (text[0] == '$')
		return rl_completion_matches(text, register_generator);
	return rl_completion_matches(text, symbol_generator);
}

void mon_complete_install(struct monitor *mon)
{
	cmon = mon;
	rl_attempted_completion_function = mon_complete;
}
