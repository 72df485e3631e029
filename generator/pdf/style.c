/* The two booklet styles; see style.h for the reasons of the measure. */
#include "style.h"

#define COMMON                                                                 \
	.leading = 1.22,                                                       \
	.h1 = 1.45, .h2 = 1.25, .h3 = 1.1, .h4 = 1.0,                          \
	.band = 1.9, .band_small = 1.3, .kicker = 0.82, .summary = 1.06,       \
	.meta = 0.85, .quote = 0.97, .table = 0.88, .code = 0.85,              \
	.note = 0.82, .contact = 0.92, .furniture = 0.8, .toc_title = 2.0,     \
	.para = 0.45, .item = 0.22, .item_loose = 0.4, .list_end = 0.45,       \
	.block = 0.5, .h_before = {1.1, 1.1, 0.8, 0.6}, .h_after = 0.25,       \
	.entry = 0.4, .toc_entry = 0.3, .quote_indent = 16

static const struct style a4 = {
	.page = {595.28, 841.89, 142, 142, 78, 74, 11},
	.list_indent = 16,
	COMMON
};

static const struct style a5 = {
	.page = {419.53, 595.28, 68, 68, 56, 54, 10},
	.list_indent = 14,
	COMMON
};

const struct style *style_get(int is_a5)
{
	return is_a5 ? &a5 : &a4;
}

void style_tighten(const struct style *base, int step, struct style *out)
{
	*out = *base;
	double k = step >= 2 ? 0.65 : 0.8;
	out->leading = step >= 2 ? 1.14 : 1.17;
	if (step >= 2)
		out->page.body_size -= 0.5;
	out->para *= k;
	out->item *= k;
	out->item_loose *= k;
	out->list_end *= k;
	out->block *= k;
	for (int i = 0; i < 4; i++)
		out->h_before[i] *= k;
	out->h_after *= k;
	out->entry *= k;
}
