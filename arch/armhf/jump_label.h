/* SPDX-License-Identifier: GPL-2.0 */
/*
 * armhf: the kernel has jump labels here, this model has not (yet): static
 * keys are a data load of the key, as with CONFIG_JUMP_LABEL=n; the results
 * context says so (KCB_JUMP_LABEL_DESC).
 */
#include "../generic/jump_label.h"
