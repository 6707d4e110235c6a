/*
 * render_lib.h - cairo, Pango and librsvg, loaded the first time
 * a PDF or a PNG is drawn instead of when observa starts.
 *
 * Linked at build time, these libraries and what they pull in (GLib, GIO,
 * HarfBuzz, FreeType, X11...) are some forty shared objects that the
 * dynamic loader maps and relocates before main() on every command: about
 * 20 ms of a 40 ms "observa version" on a small server, paid by every CLI
 * query that never draws. Only report/bulletin_pdf.c draws; it calls the
 * libraries through the table ob_render() gives, loaded once by
 * ob_render_load() (thread-safe) from the Debian packages' sonames.
 *
 * The table holds a pointer of each function's own type (from the
 * libraries' headers, which only the print library compiles with), so a
 * call through it is checked as a direct call is.
 */
#ifndef OB_RENDER_LIB_H
#define OB_RENDER_LIB_H

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "base/common.h"

/* X(library, function): every function bulletin_pdf.c calls. */
#define OB_RENDER_FUNCS(X)                                  \
	X(cairo, cairo_create)                              \
	X(cairo, cairo_destroy)                             \
	X(cairo, cairo_fill)                                \
	X(cairo, cairo_image_surface_create)                \
	X(cairo, cairo_line_to)                             \
	X(cairo, cairo_move_to)                             \
	X(cairo, cairo_paint)                               \
	X(cairo, cairo_pdf_surface_create_for_stream)       \
	X(cairo, cairo_pdf_surface_set_metadata)            \
	X(cairo, cairo_rectangle)                           \
	X(cairo, cairo_set_line_width)                      \
	X(cairo, cairo_set_source_rgb)                      \
	X(cairo, cairo_show_page)                           \
	X(cairo, cairo_status)                              \
	X(cairo, cairo_status_to_string)                    \
	X(cairo, cairo_stroke)                              \
	X(cairo, cairo_surface_destroy)                     \
	X(cairo, cairo_surface_finish)                      \
	X(cairo, cairo_surface_status)                      \
	X(cairo, cairo_surface_write_to_png_stream)         \
	X(glib, g_error_free)                               \
	X(gobject, g_object_unref)                          \
	X(pangocairo, pango_cairo_create_layout)            \
	X(pangocairo, pango_cairo_font_map_set_default)     \
	X(pangocairo, pango_cairo_show_layout)              \
	X(pango, pango_font_description_free)               \
	X(pango, pango_font_description_from_string)        \
	X(pango, pango_font_description_set_absolute_size)  \
	X(pango, pango_font_description_set_style)          \
	X(pango, pango_font_description_set_weight)         \
	X(pango, pango_layout_get_line_count)               \
	X(pango, pango_layout_get_size)                     \
	X(pango, pango_layout_set_alignment)                \
	X(pango, pango_layout_set_font_description)         \
	X(pango, pango_layout_set_text)                     \
	X(pango, pango_layout_set_width)                    \
	X(pango, pango_layout_set_wrap)                     \
	X(rsvg, rsvg_handle_get_intrinsic_size_in_pixels)   \
	X(rsvg, rsvg_handle_new_from_data)                  \
	X(rsvg, rsvg_handle_render_document)

struct ob_render_lib {
#define OB_RENDER_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_RENDER_FUNCS(OB_RENDER_MEMBER)
#undef OB_RENDER_MEMBER
};

/* Load the libraries and their functions, once; OB_ENOENT with d saying
 * which library or function is missing and which package gives it. */
ob_err ob_render_load(struct ob_diag *d);

/* The table; only after ob_render_load() succeeded. */
const struct ob_render_lib *ob_render(void);

#endif
