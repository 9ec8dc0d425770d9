/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared scaffolding for the Check unit tests: each test_*.c builds one
 * Suite and runs it through UNIT_MAIN. */
#ifndef HVMON_UNIT_H
#define HVMON_UNIT_H

#include <check.h>
#include <stdlib.h>

#define UNIT_MAIN(suite_fn)                                              \
	int main(void)                                                   \
	{                                                                \
		SRunner *sr = srunner_create(suite_fn());                \
		srunner_run_all(sr, CK_NORMAL);                          \
		int failed = srunner_ntests_failed(sr);                  \
		srunner_free(sr);                                        \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;             \
	}

#endif
