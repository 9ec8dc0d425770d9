/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 8042 keyboard controller without devices. Status bits, the controller
 * command byte and the command set follow the IBM Personal System/2
 * Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller" (status register, command byte, commands 20h-FFh). */
#include "dev/i8042.h"

#include <pthread.h>
#include <stdlib.h>

/* Status register (port 0x64, read). */
#define STS_OBF     0x01  /* output buffer full */
#define STS_SYS     0x04  /* system flag, mirrors command byte bit 2 */
#define STS_CMD     0x08  /* last write went to port 0x64 */
#define STS_UNLOCK  0x10  /* keyboard inhibit switch off */
#define STS_AUX_OBF 0x20  /* output buffer holds auxiliary-device data */

/* Controller command byte ("CTR" in Linux). */
#define CTR_SYS      0x04
#define CTR_KBD_OFF  0x10
#define CTR_AUX_OFF  0x20
/* What firmware leaves: keyboard interrupt on, system flag set (POST
 * passed), scan-code translation on. */
#define CTR_DEFAULT  0x45

/* Output port: bit 0 drives the CPU reset line (active low), bit 1 the A20
 * gate. */
#define OUTPORT_RESET   0x01
#define OUTPORT_DEFAULT 0x03

enum {
	CMD_READ_CTR = 0x20, CMD_WRITE_CTR = 0x60,
	CMD_AUX_DISABLE = 0xa7, CMD_AUX_ENABLE = 0xa8, CMD_AUX_TEST = 0xa9,
	CMD_SELF_TEST = 0xaa, CMD_KBD_TEST = 0xab,
	CMD_KBD_DISABLE = 0xad, CMD_KBD_ENABLE = 0xae,
	CMD_READ_OUTPORT = 0xd0, CMD_WRITE_OUTPORT = 0xd1,
	CMD_WRITE_KBD_OBUF = 0xd2, CMD_WRITE_AUX_OBUF = 0xd3,
	CMD_WRITE_AUX = 0xd4, CMD_PULSE_FIRST = 0xf0,
};

#define SELF_TEST_OK  0x55
#define PORT_TEST_OK  0x00

struct i8042 {
	pthread_mutex_t lock;
	struct sysevent_sink reset;
	uint8_t ctr;
	uint8_t outport;
	uint8_t obuf;
	bool obuf_full;
	bool obuf_aux;
	bool last_write_cmd;
	uint8_t awaiting;   /* command whose data byte comes next, or 0 */
	const char *reset_why;  /* reset requested by this access, or NULL */
};

static void put_output(struct i8042 *k, uint8_t v, bool aux)
{
	k->obuf = v;
	k->obuf_full = true;
	k->obuf_aux = aux;
}

/* Raised by io() once the lock is dropped, so the sink may do anything. */
static void pulse_reset(struct i8042 *k, const char *why)
{
	k->reset_why = why;
}

static void write_outport(struct i8042 *k, uint8_t v)
{
	/* The reset line is a pulse from the machine's point of view: the
	 * CPUs reset and the line returns high. */
	if (!(v & OUTPORT_RESET))
		pulse_reset(k, "i8042 output port reset line");
	k->outport = v | OUTPORT_RESET;
}

static void command(struct i8042 *k, uint8_t cmd)
{
	k->awaiting = 0;
	switch (cmd) {
	case CMD_READ_CTR:
		put_output(k, k->ctr, false);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPORT:
	case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF:
	case CMD_WRITE_AUX:
		k->awaiting = cmd;
		break;
	case CMD_AUX_DISABLE:
		k->ctr |= CTR_AUX_OFF;
		break;
	case CMD_AUX_ENABLE:
		k->ctr &= ~CTR_AUX_OFF;
		break;
	case CMD_KBD_DISABLE:
		k->ctr |= CTR_KBD_OFF;
		break;
	case CMD_KBD_ENABLE:
		k->ctr &= ~CTR_KBD_OFF;
		break;
	case CMD_SELF_TEST:
		/* A passing self-test sets the system flag. */
		k->ctr |= CTR_SYS;
		put_output(k, SELF_TEST_OK, false);
		break;
	case CMD_KBD_TEST:
	case CMD_AUX_TEST:
		/* Clock and data lines idle high: the interface is fine even
		 * with nothing attached. */
		put_output(k, PORT_TEST_OK, false);
		break;
	case CMD_READ_OUTPORT:
		put_output(k, k->outport, false);
		break;
	default:
		/* F0h-FFh pulse the output port bits whose command bit is 0;
		 * bit 0 is the reset line, so FEh (and every even Fxh)
		 * resets. Other commands are not modelled and ignored, as a
		 * controller ignores what it does not know. */
		if (cmd >= CMD_PULSE_FIRST && !(cmd & OUTPORT_RESET))
			pulse_reset(k, "i8042 command 0xfe (pulse reset)");
		break;
	}
}

static void data_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->awaiting;

	k->awaiting = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		k->ctr = v;
		break;
	case CMD_WRITE_OUTPORT:
		write_outport(k, v);
		break;
	case CMD_WRITE_KBD_OBUF:
		put_output(k, v, false);
		break;
	case CMD_WRITE_AUX_OBUF:
		put_output(k, v, true);
		break;
	default:
		/* A byte for the keyboard (or, after D4h, the mouse): no
		 * device is attached, so it goes nowhere and no reply comes;
		 * the guest's driver times out and reports no device. */
		break;
	}
}

static uint8_t status(const struct i8042 *k)
{
	uint8_t s = STS_UNLOCK | (k->ctr & CTR_SYS ? STS_SYS : 0);

	if (k->obuf_full)
		s |= STS_OBF | (k->obuf_aux ? STS_AUX_OBF : 0);
	if (k->last_write_cmd)
		s |= STS_CMD;
	return s;
}

/* Both ports are single 8-bit registers: byte 0 of any access is the
 * register, further bytes fall on ports this device does not decode. */
static void io(struct i8042 *k, bool is_cmd_port, uint64_t offset,
	       uint8_t *bytes, unsigned len, bool is_write)
{
	const char *reset_why;

	pthread_mutex_lock(&k->lock);
	for (unsigned i = 0; i < len; i++) {
		bool mine = offset == 0 && i == 0;

		if (is_write) {
			if (!mine)
				continue;
			k->last_write_cmd = is_cmd_port;
			if (is_cmd_port)
				command(k, bytes[i]);
			else
				data_write(k, bytes[i]);
		} else if (!mine) {
			bytes[i] = 0xff;
		} else if (is_cmd_port) {
			bytes[i] = status(k);
		} else {
			/* Reading the data port empties the buffer; an empty
			 * buffer still returns its last contents. */
			bytes[i] = k->obuf;
			k->obuf_full = false;
			k->obuf_aux = false;
		}
	}
	reset_why = k->reset_why;
	k->reset_why = NULL;
	pthread_mutex_unlock(&k->lock);
	if (reset_why)
		sysevent_raise(&k->reset, SYSEVENT_RESET, reset_why);
}

void i8042_data_io(void *opaque, uint64_t offset, void *data, unsigned len,
		   bool is_write)
{
	io(opaque, false, offset, data, len, is_write);
}

void i8042_command_io(void *opaque, uint64_t offset, void *data, unsigned len,
		      bool is_write)
{
	io(opaque, true, offset, data, len, is_write);
}

struct i8042 *i8042_new(const struct sysevent_sink *reset)
{
	struct i8042 *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	pthread_mutex_init(&k->lock, NULL);
	if (reset)
		k->reset = *reset;
	k->ctr = CTR_DEFAULT;
	k->outport = OUTPORT_DEFAULT;
	return k;
}

void i8042_free(struct i8042 *k)
{
	if (!k)
		return;
	pthread_mutex_destroy(&k->lock);
	free(k);
}
