// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/decompress.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "boot/boot_error.h"
#include "common/lazylib.h"
#include "common/le.h"

/* zlib, liblzma, libzstd and liblz4 are loaded when a kernel compressed
 * with them is first met (common/lazylib.h). */
static struct {
	__typeof__(inflateInit2_) *init2;
	__typeof__(inflate) *inflate;
	__typeof__(inflateEnd) *end;
} gz;
static const struct lazylib_sym gz_syms[] = {
	{ "inflateInit2_", (void **)&gz.init2 },
	{ "inflate", (void **)&gz.inflate },
	{ "inflateEnd", (void **)&gz.end },
	{ NULL, NULL },
};
/* zlib's soname has stayed libz.so.1 since zlib 1.0 (ZLIB_VERNUM 0x1xxx). */
static struct lazylib gz_lib = LAZYLIB("libz.so.1", "zlib1g", gz_syms);

static struct {
	__typeof__(lzma_stream_decoder) *stream_decoder;
	__typeof__(lzma_code) *code;
	__typeof__(lzma_end) *end;
} xz;
static const struct lazylib_sym xz_syms[] = {
	{ "lzma_stream_decoder", (void **)&xz.stream_decoder },
	{ "lzma_code", (void **)&xz.code },
	{ "lzma_end", (void **)&xz.end },
	{ NULL, NULL },
};
static struct lazylib xz_lib = LAZYLIB("liblzma.so." LAZYLIB_STR(LZMA_VERSION_MAJOR),
				       "liblzma" LAZYLIB_STR(LZMA_VERSION_MAJOR), xz_syms);

static struct {
	__typeof__(ZSTD_createDCtx) *create;
	__typeof__(ZSTD_decompressStream) *stream;
	__typeof__(ZSTD_isError) *is_error;
	__typeof__(ZSTD_getErrorName) *error_name;
	__typeof__(ZSTD_freeDCtx) *free;
} zstd;
static const struct lazylib_sym zstd_syms[] = {
	{ "ZSTD_createDCtx", (void **)&zstd.create },
	{ "ZSTD_decompressStream", (void **)&zstd.stream },
	{ "ZSTD_isError", (void **)&zstd.is_error },
	{ "ZSTD_getErrorName", (void **)&zstd.error_name },
	{ "ZSTD_freeDCtx", (void **)&zstd.free },
	{ NULL, NULL },
};
static struct lazylib zstd_lib = LAZYLIB("libzstd.so." LAZYLIB_STR(ZSTD_VERSION_MAJOR),
					 "libzstd" LAZYLIB_STR(ZSTD_VERSION_MAJOR), zstd_syms);

static struct {
	__typeof__(LZ4_decompress_safe) *decompress_safe;
} lz4;
static const struct lazylib_sym lz4_syms[] = {
	{ "LZ4_decompress_safe", (void **)&lz4.decompress_safe },
	{ NULL, NULL },
};
static struct lazylib lz4_lib = LAZYLIB("liblz4.so." LAZYLIB_STR(LZ4_VERSION_MAJOR),
					"liblz4-" LAZYLIB_STR(LZ4_VERSION_MAJOR), lz4_syms);

struct magic {
	enum compression c;
	const char *bytes;
	size_t len;
};

/* Magic numbers as the kernel's own decompressor table lists them
 * (lib/decompress.c): lzma is the lzma_alone header's usual first bytes. */
static const struct magic magics[] = {
	{ COMP_NONE,  "\x7f" "ELF", 4 },
	{ COMP_GZIP,  "\x1f\x8b", 2 },
	{ COMP_XZ,    "\xfd" "7zXZ\0", 6 },
	{ COMP_ZSTD,  "\x28\xb5\x2f\xfd", 4 },
	{ COMP_LZ4,   "\x02\x21\x4c\x18", 4 },
	{ COMP_BZIP2, "BZh", 3 },
	{ COMP_LZMA,  "\x5d\x00\x00", 3 },
	{ COMP_LZO,   "\x89LZO\0", 5 },
};

enum compression decompress_detect(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].len && memcmp(buf, magics[i].bytes, magics[i].len) == 0)
			return magics[i].c;
	return COMP_UNKNOWN;
}

const char *compression_name(enum compression c)
{
	switch (c) {
	case COMP_NONE:  return "none";
	case COMP_GZIP:  return "gzip";
	case COMP_XZ:    return "xz";
	case COMP_ZSTD:  return "zstd";
	case COMP_LZ4:   return "lz4";
	case COMP_BZIP2: return "bzip2";
	case COMP_LZMA:  return "lzma";
	case COMP_LZO:   return "lzo";
	case COMP_UNKNOWN: break;
	}
	return "unknown";
}

bool compression_supported(enum compression c)
{
	return c == COMP_NONE || c == COMP_GZIP || c == COMP_XZ ||
	       c == COMP_ZSTD || c == COMP_LZ4;
}

/* Growing output buffer, capped at max. */
struct outbuf {
	uint8_t *p;
	size_t len, cap, max;
};

/* Make room for want more bytes, or as many as the cap allows. Returns -1
 * when not even one byte fits or memory runs out. */
static int outbuf_grow(struct outbuf *o, size_t want)
{
	if (o->cap - o->len >= want)
		return 0;
	if (o->cap >= o->max)
		return o->cap > o->len ? 0 : -1;
	size_t ncap = o->cap ? o->cap * 2 : 1 << 16;
	while (ncap - o->len < want && ncap < o->max)
		ncap *= 2;
	if (ncap > o->max)
		ncap = o->max;
	uint8_t *np = realloc(o->p, ncap);
	if (!np)
		return -1;
	o->p = np;
	o->cap = ncap;
	return 0;
}

static int bomb(const struct outbuf *o, char *err, size_t errlen)
{
	if (o->cap >= o->max)
		return boot_fail(err, errlen, "decompressed kernel exceeds %zu MiB",
				 o->max >> 20);
	return boot_fail(err, errlen, "out of memory decompressing the kernel");
}

static int gunzip(const uint8_t *in, size_t in_len, struct outbuf *o,
		  char *err, size_t errlen)
{
	z_stream zs;

	if (in_len > UINT_MAX)
		return boot_fail(err, errlen, "gzip payload too large");
	if (!lazylib_load(&gz_lib, "a gzip-compressed kernel", err, errlen))
		return -1;
	memset(&zs, 0, sizeof(zs));
	/* 16 + MAX_WBITS: expect the gzip wrapper (RFC 1952), not zlib's;
	 * inflateInit2_ is what zlib.h's inflateInit2 macro calls. */
	if (gz.init2(&zs, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(zs)) != Z_OK)
		return boot_fail(err, errlen, "gzip: cannot initialise zlib");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_len;
	int rc = -1;
	for (;;) {
		if (outbuf_grow(o, 1 << 20) < 0) {
			bomb(o, err, errlen);
			break;
		}
		size_t room = o->cap - o->len;
		zs.next_out = o->p + o->len;
		zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		uInt before = zs.avail_out;
		int zr = gz.inflate(&zs, Z_NO_FLUSH);
		o->len += before - zs.avail_out;
		if (zr == Z_STREAM_END) {
			rc = 0;
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
			boot_fail(err, errlen, "gzip: compressed data is truncated");
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			boot_fail(err, errlen, "gzip: %s", zs.msg ? zs.msg : "corrupt data");
			break;
		}
	}
	gz.end(&zs);
	return rc;
}

static int unxz(const uint8_t *in, size_t in_len, struct outbuf *o,
		char *err, size_t errlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (!lazylib_load(&xz_lib, "an xz-compressed kernel", err, errlen))
		return -1;

	/* The kernel uses dictionaries up to 32 MiB (scripts/xz_wrap.sh);
	 * 256 MiB of decoder memory is ample. Flags 0: one stream only, so
	 * the size trailer after it is ignored. */
	if (xz.stream_decoder(&s, 256ULL << 20, 0) != LZMA_OK)
		return boot_fail(err, errlen, "xz: cannot initialise liblzma");
	s.next_in = in;
	s.avail_in = in_len;
	int rc = -1;
	for (;;) {
		if (outbuf_grow(o, 1 << 20) < 0) {
			bomb(o, err, errlen);
			break;
		}
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		size_t before = s.avail_out;
		lzma_ret lr = xz.code(&s, LZMA_FINISH);
		o->len += before - s.avail_out;
		if (lr == LZMA_STREAM_END) {
			rc = 0;
			break;
		}
		if (lr == LZMA_OK)
			continue;
		if (lr == LZMA_BUF_ERROR)
			boot_fail(err, errlen, "xz: compressed data is truncated");
		else if (lr == LZMA_MEMLIMIT_ERROR)
			boot_fail(err, errlen, "xz: stream needs more than 256 MiB of decoder memory");
		else if (lr == LZMA_FORMAT_ERROR || lr == LZMA_OPTIONS_ERROR)
			boot_fail(err, errlen, "xz: unsupported stream format or options");
		else
			boot_fail(err, errlen, "xz: corrupt data (liblzma error %d)", (int)lr);
		break;
	}
	xz.end(&s);
	return rc;
}

static int unzstd(const uint8_t *in, size_t in_len, struct outbuf *o,
		  char *err, size_t errlen)
{
	if (!lazylib_load(&zstd_lib, "a zstd-compressed kernel", err, errlen))
		return -1;
	ZSTD_DCtx *dctx = zstd.create();
	if (!dctx)
		return boot_fail(err, errlen, "zstd: cannot create a decoder");
	ZSTD_inBuffer ib = { in, in_len, 0 };
	int rc = -1;
	for (;;) {
		if (outbuf_grow(o, 1 << 20) < 0) {
			bomb(o, err, errlen);
			break;
		}
		ZSTD_outBuffer ob = { o->p + o->len, o->cap - o->len, 0 };
		size_t zr = zstd.stream(dctx, &ob, &ib);
		o->len += ob.pos;
		if (zstd.is_error(zr)) {
			boot_fail(err, errlen, "zstd: %s", zstd.error_name(zr));
			break;
		}
		/* 0: the first frame is complete; whatever follows is the
		 * size trailer. */
		if (zr == 0) {
			rc = 0;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			boot_fail(err, errlen, "zstd: compressed data is truncated");
			break;
		}
	}
	zstd.free(dctx);
	return rc;
}

/* The lz4 legacy format (lz4 -l): a 4-byte magic, then blocks, each a
 * little-endian 32-bit compressed length and the data, each decompressing
 * to at most 8 MiB. There is no end marker: the input ends, or what is
 * left is the 4-byte size trailer, or zero padding. A repeated magic
 * starts a concatenated frame. */
#define LZ4_LEGACY_BLOCK (8 << 20)

static int unlz4_legacy(const uint8_t *in, size_t in_len, struct outbuf *o,
			char *err, size_t errlen)
{
	const uint32_t magic = 0x184c2102;
	size_t pos = 4;
	const size_t max_chunk = (size_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK);

	if (in_len < 4 || get_le32(in) != magic)
		return boot_fail(err, errlen, "lz4: not a legacy lz4 stream");
	if (!lazylib_load(&lz4_lib, "an lz4-compressed kernel", err, errlen))
		return -1;

	while (in_len - pos >= 4) {
		uint32_t chunk = get_le32(in + pos);
		size_t left = in_len - pos - 4;
		if (chunk == magic) {
			pos += 4;
			continue;
		}
		if (chunk == 0)
			break;
		if (left == 0 && chunk == (uint32_t)o->len)
			break;
		if (chunk > max_chunk)
			return boot_fail(err, errlen, "lz4: block of %u bytes is corrupt", chunk);
		if (chunk > left)
			return boot_fail(err, errlen, "lz4: compressed data is truncated");
		if (outbuf_grow(o, LZ4_LEGACY_BLOCK) < 0)
			return bomb(o, err, errlen);
		size_t room = o->cap - o->len;
		int cap = room > LZ4_LEGACY_BLOCK ? LZ4_LEGACY_BLOCK : (int)room;
		int n = lz4.decompress_safe((const char *)in + pos + 4,
					    (char *)o->p + o->len, (int)chunk, cap);
		if (n < 0) {
			if (room < LZ4_LEGACY_BLOCK && o->cap >= o->max)
				return bomb(o, err, errlen);
			return boot_fail(err, errlen, "lz4: corrupt block at offset %zu", pos);
		}
		o->len += (size_t)n;
		pos += 4 + chunk;
	}
	if (o->len == 0)
		return boot_fail(err, errlen, "lz4: no data");
	return 0;
}

int decompress(enum compression c, const uint8_t *in, size_t in_len,
	       size_t max_out, uint8_t **out, size_t *out_len,
	       char *err, size_t errlen)
{
	struct outbuf o = { .max = max_out };
	int rc;

	*out = NULL;
	*out_len = 0;
	/* No stream at all (nothing to copy either: memcpy from a NULL
	 * buffer would be undefined, C11 7.24.1p2). */
	if (in_len == 0)
		return boot_fail(err, errlen, "empty %s payload", compression_name(c));
	/* The size trailer is a hint for the first allocation only. */
	if (c != COMP_NONE && in_len >= 4) {
		size_t hint = get_le32(in + in_len - 4);
		if (hint >= in_len && hint <= max_out && outbuf_grow(&o, hint) < 0)
			return bomb(&o, err, errlen);
	}
	switch (c) {
	case COMP_NONE:
		if (in_len > max_out)
			return boot_fail(err, errlen, "kernel exceeds %zu MiB", max_out >> 20);
		rc = outbuf_grow(&o, in_len) < 0 ? bomb(&o, err, errlen) : 0;
		if (rc == 0) {
			memcpy(o.p, in, in_len);
			o.len = in_len;
		}
		break;
	case COMP_GZIP: rc = gunzip(in, in_len, &o, err, errlen); break;
	case COMP_XZ:   rc = unxz(in, in_len, &o, err, errlen); break;
	case COMP_ZSTD: rc = unzstd(in, in_len, &o, err, errlen); break;
	case COMP_LZ4:  rc = unlz4_legacy(in, in_len, &o, err, errlen); break;
	default:
		rc = boot_fail(err, errlen,
			       "%s-compressed kernels are not supported (use gzip, xz, zstd or lz4)",
			       compression_name(c));
		break;
	}
	if (rc < 0) {
		free(o.p);
		return -1;
	}
	uint8_t *shrunk = o.len ? realloc(o.p, o.len) : NULL;
	*out = shrunk ? shrunk : o.p;
	*out_len = o.len;
	return 0;
}
