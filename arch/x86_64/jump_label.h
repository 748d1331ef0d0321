/* SPDX-License-Identifier: GPL-2.0 */
/* x86_64: the x86 jump label (arch/x86/jump_label.h) */
#include "../x86/jump_label.h"
