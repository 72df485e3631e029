/*
 * The probe page of cairo_probe.h. Its bytes go nowhere: only the calls
 * Cairo makes while writing it matter to the checks that run it.
 */

#include "cairo_probe.h"

#include <cairo-pdf.h>
#include <stddef.h>

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

void cairo_probe_page(double x, void (*around_show)(int on))
{
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(discard, NULL, 10, 10);
	cairo_t *cr = cairo_create(surf);
	cairo_rectangle(cr, x, 1, 2, 2);
	cairo_fill(cr);
	if (around_show)
		around_show(1);
	cairo_show_page(cr);
	if (around_show)
		around_show(0);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_surface_destroy(surf);
}
