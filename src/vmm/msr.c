// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/msr.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>

/* SDM vol. 4, "Model-Specific Registers". */
static const struct { uint32_t index; uint64_t value; } boot_msrs[] = {
	{ 0x00000010, 0 },  /* IA32_TIME_STAMP_COUNTER */
	{ 0x00000174, 0 },  /* IA32_SYSENTER_CS */
	{ 0x00000175, 0 },  /* IA32_SYSENTER_ESP */
	{ 0x00000176, 0 },  /* IA32_SYSENTER_EIP */
	{ 0x000001a0, 1 },  /* IA32_MISC_ENABLE: fast-string enable, as firmware leaves it */
	{ 0xc0000081, 0 },  /* IA32_STAR */
	{ 0xc0000082, 0 },  /* IA32_LSTAR */
	{ 0xc0000083, 0 },  /* IA32_CSTAR */
	{ 0xc0000084, 0 },  /* IA32_FMASK */
	{ 0xc0000102, 0 },  /* IA32_KERNEL_GS_BASE */
};
#define NBOOT_MSRS (sizeof(boot_msrs) / sizeof(boot_msrs[0]))

static bool msr_listed(const struct kvm_msr_list *list, uint32_t index)
{
	for (uint32_t i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == index)
			return true;
	return false;
}

static struct kvm_msr_list *msr_index_list(int kvm_fd)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	/* E2BIG is expected: it reports how many indices there are. */
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG)
		return NULL;
	struct kvm_msr_list *list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
	if (!list)
		return NULL;
	list->nmsrs = probe.nmsrs;
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, list) < 0) {
		free(list);
		return NULL;
	}
	return list;
}

int msr_set_boot_values(int kvm_fd, int vcpu_fd)
{
	struct kvm_msr_list *list = msr_index_list(kvm_fd);
	if (!list)
		return -errno ? -errno : -ENOMEM;
	struct kvm_msrs *msrs = calloc(1, sizeof(*msrs) + NBOOT_MSRS * sizeof(struct kvm_msr_entry));
	if (!msrs) {
		free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < NBOOT_MSRS; i++) {
		if (!msr_listed(list, boot_msrs[i].index))
			continue;
		msrs->entries[msrs->nmsrs].index = boot_msrs[i].index;
		msrs->entries[msrs->nmsrs].data = boot_msrs[i].value;
		msrs->nmsrs++;
	}
	int set = ioctl(vcpu_fd, KVM_SET_MSRS, msrs);
	int rc = set < 0 ? -errno : (set == (int)msrs->nmsrs ? 0 : -EINVAL);
	free(msrs);
	free(list);
	return rc;
}
