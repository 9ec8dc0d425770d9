/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GDB remote serial protocol's framing (gdb manual, appendix E.1
 * "Overview"): $payload#checksum packets, '+'/'-' acknowledgements, the
 * 0x03 interrupt byte, '}' escapes in binary data, and hex. Pure code with
 * no I/O: bytes go in, events and framed replies come out, so the parser
 * is testable (and fuzzable) without sockets. */
#ifndef HVMON_GDB_PACKET_H
#define HVMON_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest payload accepted, and what qSupported announces as PacketSize. */
#define GDB_PACKET_MAX 16384
/* Largest reply payload: a memory read of PacketSize/2 bytes in hex, or a
 * qXfer chunk whose every byte needed an escape, plus a little. */
#define GDB_REPLY_MAX (2 * GDB_PACKET_MAX + 64)

enum gdb_rx_event {
	GDB_RX_NONE,          /* byte absorbed, nothing complete yet */
	GDB_RX_PACKET,        /* a packet with a good checksum is in rx->buf */
	GDB_RX_BAD_CHECKSUM,  /* a packet arrived damaged: NAK it */
	GDB_RX_OVERSIZE,      /* a packet longer than GDB_PACKET_MAX (dropped) */
	GDB_RX_INTERRUPT,     /* 0x03 outside a packet: the client wants a stop */
	GDB_RX_ACK,           /* '+' */
	GDB_RX_NACK,          /* '-': resend the last reply */
};

struct gdb_rx {
	enum { GDB_RX_IDLE, GDB_RX_DATA, GDB_RX_CSUM1, GDB_RX_CSUM2 } state;
	char buf[GDB_PACKET_MAX + 1];  /* payload as sent (escapes intact), NUL-ended */
	size_t len;
	bool overflow;
	uint8_t sum;        /* running checksum of the payload */
	uint8_t given;      /* the checksum's first hex digit, shifted */
};

void gdb_rx_init(struct gdb_rx *rx);
/* Feed one byte received from the client. */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);

/* A reply payload being built. Appends that do not fit set overflow and
 * leave the buffer as it was, so a reply is never sent truncated. */
struct gdb_reply {
	char buf[GDB_REPLY_MAX];
	size_t len;
	bool overflow;
};

void gdb_reply_clear(struct gdb_reply *r);
void gdb_reply_str(struct gdb_reply *r, const char *s);
void gdb_reply_printf(struct gdb_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* n bytes as 2n lowercase hex digits. */
void gdb_reply_hex(struct gdb_reply *r, const void *data, size_t n);
/* n bytes of binary data with '$', '#', '}' and '*' escaped (E.1: '}'
 * then the byte XOR 0x20; '*' too, or gdb would read run-length encoding). */
void gdb_reply_binary(struct gdb_reply *r, const void *data, size_t n);
/* How many bytes of data fit when escaped into at most room bytes. */
size_t gdb_binary_fit(const void *data, size_t n, size_t room);
/* An error reply "Exx". */
void gdb_reply_error(struct gdb_reply *r, unsigned code);

/* Frame payload as "$payload#cs" into out (room for len + 4 bytes); returns
 * the framed length. The payload is sent as is: no run-length encoding. */
size_t gdb_frame(const char *payload, size_t len, char *out);

/* Hex helpers. gdb_hex_value: 0-15, or -1 for a non-hex character. */
int gdb_hex_value(char c);
/* Decode exactly 2n hex digits at s into n bytes; -1 on a non-hex digit. */
int gdb_hex_decode(const char *s, size_t n, uint8_t *out);
/* Parse 1-16 hex digits at *p (not past end) into *v and advance *p;
 * false when there is none or the number does not fit 64 bits. */
bool gdb_parse_hex_u64(const char **p, const char *end, uint64_t *v);
/* Undo '}' escapes in place (X packets); returns the new length, or
 * (size_t)-1 when the data ends in a lone '}'. */
size_t gdb_unescape(char *data, size_t len);

#endif
