// SPDX-License-Identifier: GPL-3.0-or-later
/* Packet framing for the GDB remote serial protocol (gdb manual, E.1). */
#include "monitor/gdb_packet.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GDB_ESCAPE 0x7d     /* '}' */
#define GDB_INTERRUPT 0x03  /* E.9 "Interrupts": a bare ^C byte */

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = GDB_RX_IDLE;
	rx->len = 0;
	rx->overflow = false;
	rx->sum = 0;
	rx->given = 0;
	rx->buf[0] = '\0';
}

static void rx_start(struct gdb_rx *rx)
{
	rx->state = GDB_RX_DATA;
	rx->len = 0;
	rx->overflow = false;
	rx->sum = 0;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
	switch (rx->state) {
	case GDB_RX_IDLE:
		/* Between packets only '$', the acknowledgements and ^C mean
		 * anything; line noise is skipped. */
		if (c == '$')
			rx_start(rx);
		else if (c == '+')
			return GDB_RX_ACK;
		else if (c == '-')
			return GDB_RX_NACK;
		else if (c == GDB_INTERRUPT)
			return GDB_RX_INTERRUPT;
		return GDB_RX_NONE;
	case GDB_RX_DATA:
		if (c == '#') {
			rx->state = GDB_RX_CSUM1;
		} else if (c == '$') {
			/* A new start inside a packet: the old one was cut off. */
			rx_start(rx);
		} else {
			rx->sum = (uint8_t)(rx->sum + c);
			if (rx->len < GDB_PACKET_MAX)
				rx->buf[rx->len++] = (char)c;
			else
				rx->overflow = true;
		}
		return GDB_RX_NONE;
	case GDB_RX_CSUM1: {
		int v = gdb_hex_value((char)c);
		if (v < 0) {
			rx->state = GDB_RX_IDLE;
			return rx->overflow ? GDB_RX_OVERSIZE : GDB_RX_BAD_CHECKSUM;
		}
		rx->given = (uint8_t)(v << 4);
		rx->state = GDB_RX_CSUM2;
		return GDB_RX_NONE;
	}
	case GDB_RX_CSUM2: {
		int v = gdb_hex_value((char)c);
		rx->state = GDB_RX_IDLE;
		rx->buf[rx->len] = '\0';
		if (rx->overflow)
			return GDB_RX_OVERSIZE;
		if (v < 0 || (uint8_t)(rx->given | v) != rx->sum)
			return GDB_RX_BAD_CHECKSUM;
		return GDB_RX_PACKET;
	}
	}
	rx->state = GDB_RX_IDLE;
	return GDB_RX_NONE;
}

void gdb_reply_clear(struct gdb_reply *r)
{
	r->len = 0;
	r->overflow = false;
	r->buf[0] = '\0';
}

static bool reply_room(struct gdb_reply *r, size_t n)
{
	if (r->overflow || n >= sizeof(r->buf) - r->len) {
		r->overflow = true;
		return false;
	}
	return true;
}

void gdb_reply_str(struct gdb_reply *r, const char *s)
{
	size_t n = strlen(s);
	if (!reply_room(r, n))
		return;
	memcpy(r->buf + r->len, s, n + 1);
	r->len += n;
}

void gdb_reply_printf(struct gdb_reply *r, const char *fmt, ...)
{
	if (r->overflow)
		return;
	va_list ap;
	va_start(ap, fmt);
	size_t room = sizeof(r->buf) - r->len;
	int n = vsnprintf(r->buf + r->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		r->buf[r->len] = '\0';
		r->overflow = true;
		return;
	}
	r->len += (size_t)n;
}

void gdb_reply_hex(struct gdb_reply *r, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	if (!reply_room(r, 2 * n))
		return;
	for (size_t i = 0; i < n; i++) {
		r->buf[r->len++] = digits[p[i] >> 4];
		r->buf[r->len++] = digits[p[i] & 15];
	}
	r->buf[r->len] = '\0';
}

static bool needs_escape(uint8_t c)
{
	return c == '$' || c == '#' || c == GDB_ESCAPE || c == '*';
}

size_t gdb_binary_fit(const void *data, size_t n, size_t room)
{
	const uint8_t *p = data;
	size_t used = 0, i;
	for (i = 0; i < n; i++) {
		size_t w = needs_escape(p[i]) ? 2 : 1;
		if (used + w > room)
			break;
		used += w;
	}
	return i;
}

void gdb_reply_binary(struct gdb_reply *r, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t need = 0;
	for (size_t i = 0; i < n; i++)
		need += needs_escape(p[i]) ? 2 : 1;
	if (!reply_room(r, need))
		return;
	for (size_t i = 0; i < n; i++) {
		if (needs_escape(p[i])) {
			r->buf[r->len++] = GDB_ESCAPE;
			r->buf[r->len++] = (char)(p[i] ^ 0x20);
		} else {
			r->buf[r->len++] = (char)p[i];
		}
	}
	r->buf[r->len] = '\0';
}

void gdb_reply_error(struct gdb_reply *r, unsigned code)
{
	gdb_reply_clear(r);
	gdb_reply_printf(r, "E%02x", code & 0xff);
}

size_t gdb_frame(const char *payload, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum = 0;
	out[0] = '$';
	for (size_t i = 0; i < len; i++) {
		out[1 + i] = payload[i];
		sum = (uint8_t)(sum + (uint8_t)payload[i]);
	}
	out[len + 1] = '#';
	out[len + 2] = digits[sum >> 4];
	out[len + 3] = digits[sum & 15];
	return len + 4;
}

int gdb_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gdb_hex_decode(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hex_value(s[2 * i]), lo = gdb_hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

bool gdb_parse_hex_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;
	while (s < end && gdb_hex_value(*s) >= 0) {
		/* Leading zeros are fine; a 17th significant digit is not. */
		if (x >> 60)
			return false;
		x = x << 4 | (uint64_t)gdb_hex_value(*s);
		s++;
		digits++;
	}
	if (!digits)
		return false;
	*v = x;
	*p = s;
	return true;
}

size_t gdb_unescape(char *data, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if ((uint8_t)data[i] == GDB_ESCAPE) {
			if (++i == len)
				return (size_t)-1;
			data[o++] = (char)(data[i] ^ 0x20);
		} else {
			data[o++] = data[i];
		}
	}
	return o;
}
