// SPDX-License-Identifier: GPL-3.0-or-later
/* The target description gdb reads with qXfer:features:read:target.xml
 * (gdb manual, G "Target Descriptions"). gdb's x86 support wants the
 * feature names org.gnu.gdb.i386.core, .sse and .segments with its own
 * register names (G.5.13); the control registers go in a feature of
 * hvmon's own, which gdb shows as plain registers ($cr3, info registers).
 * Registers appear in gdb_regs.c's order, which is the `g` packet's. */
#include <stdio.h>
#include <string.h>

#include "monitor/gdb_regs.h"

/* The types the registers use, per feature (gdb resolves a register's type
 * in its own feature). Field positions: EFLAGS, SDM vol. 1, 3.4.3; MXCSR,
 * SDM vol. 1, 10.2.3. */
static const char core_types[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>\n";

static const char sse_types[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>\n"
	"<flags id=\"i386_mxcsr\" size=\"4\">"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
	"</flags>\n";

static const struct {
	const char *name;
	const char *types;
} features[] = {
	[GDB_FEAT_CORE] = { "org.gnu.gdb.i386.core", core_types },
	[GDB_FEAT_SSE] = { "org.gnu.gdb.i386.sse", sse_types },
	[GDB_FEAT_SEGMENTS] = { "org.gnu.gdb.i386.segments", "" },
	[GDB_FEAT_SYSTEM] = { "org.hvmon.gdb.x86.system", "" },
};

#define XML_MAX 16384

const char *gdb_target_xml(enum gdb_arch arch, size_t *len)
{
	static char xml[2][XML_MAX];
	char *out = xml[arch == GDB_ARCH_X86_64];
	size_t n = 0;
#define PUT(...) n += (size_t)snprintf(out + n, n < XML_MAX ? XML_MAX - n : 0, __VA_ARGS__)
	PUT("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>%s</architecture>\n", gdb_arch_name(arch));
	int count = gdb_reg_count(arch);
	int i = 0;
	while (i < count) {
		enum gdb_reg_feature f = gdb_reg_desc(arch, i)->feature;
		PUT("<feature name=\"%s\">\n%s", features[f].name, features[f].types);
		for (; i < count && gdb_reg_desc(arch, i)->feature == f; i++) {
			const struct gdb_reg_desc *d = gdb_reg_desc(arch, i);
			PUT("<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n",
			    d->name, d->bits, d->type, i, d->group ? " group=\"" : "",
			    d->group ? d->group : "", d->group ? "\"" : "");
		}
		PUT("</feature>\n");
	}
	PUT("</target>\n");
#undef PUT
	/* The tables are fixed; a document that outgrew the buffer is a
	 * build-time mistake the unit test catches. */
	*len = n < XML_MAX ? n : 0;
	return n < XML_MAX ? out : "";
}
