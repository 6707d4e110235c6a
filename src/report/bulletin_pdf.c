/* bulletin_pdf.c - a bulletin as a PDF (report/bulletin.h): A4 pages drawn
 * with cairo, text laid out by Pango, the SVG charts drawn by librsvg.
 *
 * The bulletin is written twice: once to count the pages (nothing kept),
 * once for real, so that each foot says "página N de M". A block that does
 * not fit what is left of a page starts the next one (a chart up to a
 * quarter too tall is drawn smaller instead); a heading is kept
 * with what follows it; a chart taller than a page is scaled down to fit;
 * a table breaks between rows and repeats its header. The font caches are
 * emptied at the end (one PDF per process is the common case, and a
 * process that checks its leaks finds none). A compendium is written the
 * same way, its table of contents giving the page of each level-2 heading
 * found by the first pass. An infographic is its SVG drawn on one A4 page,
 * or on a PNG of its own size. */
#include "report/bulletin.h"
#include "report/render_lib.h"

/* every call into the drawing libraries goes through the table loaded on
 * first use (report/render_lib.h) */
#define cairo_create (ob_render()->cairo_create)
#define cairo_destroy (ob_render()->cairo_destroy)
#define cairo_fill (ob_render()->cairo_fill)
#define cairo_image_surface_create (ob_render()->cairo_image_surface_create)
#define cairo_line_to (ob_render()->cairo_line_to)
#define cairo_move_to (ob_render()->cairo_move_to)
#define cairo_paint (ob_render()->cairo_paint)
#define cairo_pdf_surface_create_for_stream (ob_render()->cairo_pdf_surface_create_for_stream)
#define cairo_pdf_surface_set_metadata (ob_render()->cairo_pdf_surface_set_metadata)
#define cairo_rectangle (ob_render()->cairo_rectangle)
#define cairo_set_line_width (ob_render()->cairo_set_line_width)
#define cairo_set_source_rgb (ob_render()->cairo_set_source_rgb)
#define cairo_show_page (ob_render()->cairo_show_page)
#define cairo_status (ob_render()->cairo_status)
#define cairo_status_to_string (ob_render()->cairo_status_to_string)
#define cairo_stroke (ob_render()->cairo_stroke)
#define cairo_surface_destroy (ob_render()->cairo_surface_destroy)
#define cairo_surface_finish (ob_render()->cairo_surface_finish)
#define cairo_surface_status (ob_render()->cairo_surface_status)
#define cairo_surface_write_to_png_stream (ob_render()->cairo_surface_write_to_png_stream)
#define g_error_free (ob_render()->g_error_free)
#define g_object_unref (ob_render()->g_object_unref)
#define pango_cairo_create_layout (ob_render()->pango_cairo_create_layout)
#define pango_cairo_font_map_set_default (ob_render()->pango_cairo_font_map_set_default)
#define pango_cairo_show_layout (ob_render()->pango_cairo_show_layout)
#define pango_font_description_free (ob_render()->pango_font_description_free)
#define pango_font_description_from_string (ob_render()->pango_font_description_from_string)
#define pango_font_description_set_absolute_size (ob_render()->pango_font_description_set_absolute_size)
#define pango_font_description_set_style (ob_render()->pango_font_description_set_style)
#define pango_font_description_set_weight (ob_render()->pango_font_description_set_weight)
#define pango_layout_get_line_count (ob_render()->pango_layout_get_line_count)
#define pango_layout_get_size (ob_render()->pango_layout_get_size)
#define pango_layout_set_alignment (ob_render()->pango_layout_set_alignment)
#define pango_layout_set_font_description (ob_render()->pango_layout_set_font_description)
#define pango_layout_set_text (ob_render()->pango_layout_set_text)
#define pango_layout_set_width (ob_render()->pango_layout_set_width)
#define pango_layout_set_wrap (ob_render()->pango_layout_set_wrap)
#define rsvg_handle_get_intrinsic_size_in_pixels (ob_render()->rsvg_handle_get_intrinsic_size_in_pixels)
#define rsvg_handle_new_from_data (ob_render()->rsvg_handle_new_from_data)
#define rsvg_handle_render_document (ob_render()->rsvg_handle_render_document)

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 51.0    /* 18 mm */
#define FOOT 24.0      /* room kept for the page number */
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - MARGIN - FOOT)
#define FONT "DejaVu Sans"
#define SHORT_TABLE ((BOTTOM - MARGIN) * 0.45) /* kept on one page */

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	FILE *out;          /* NULL: the counting pass */
	enum ob_lang lang;
	const char *meta;   /* at each page's foot */
	double y;
	int page, pages;    /* pages: of the counting pass, 0 during it */
	bool write_error;
	char error[OB_BULLETIN_TEXT_MAX];
	/* a heading waits for what follows it, so that the two go on one page */
	char heading[OB_BULLETIN_TEXT_MAX];
	int heading_level; /* 0: none waiting */
	/* a note (OB_BL_META) right under the heading waits with it */
	char note[OB_BULLETIN_TEXT_MAX];
	/* the page of each level-2 heading: found (this pass), known (the
	 * first pass's, for the table of contents of the second) */
	int found[OB_COMPENDIUM_TOC_MAX], known[OB_COMPENDIUM_TOC_MAX];
	size_t n_found, n_known;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf *p = closure;
	if (!p->out)
		return CAIRO_STATUS_SUCCESS;
	if (fwrite(data, 1, len, p->out) != len) {
		p->write_error = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* A layout of text in FONT at size points, wrapped at width. */
static PangoLayout *layout(struct pdf *p, const char *text, double size, bool bold, bool italic,
                           double width, PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void draw(struct pdf *p, PangoLayout *l, double x, double y, double r, double g, double b)
{
	cairo_set_source_rgb(p->cr, r, g, b);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

static void foot(struct pdf *p)
{
	char s[OB_BULLETIN_TEXT_MAX];
	PangoLayout *l;

	if (p->pages)
		snprintf(s, sizeof s, p->lang == OB_LANG_EN ? "%s · page %d of %d"
		                                            : "%s · página %d de %d",
		         p->meta, p->page, p->pages);
	else
		snprintf(s, sizeof s, "%s · %d", p->meta, p->page);
	l = layout(p, s, 7.5, false, false, TEXT_W, PANGO_ALIGN_RIGHT);
	draw(p, l, MARGIN, PAGE_H - MARGIN - height(l), 0.35, 0.35, 0.35);
	g_object_unref(l);
}

/* Room for h points, or the next page. */
static void need(struct pdf *p, double h)
{
	if (p->y + h <= BOTTOM || p->y <= MARGIN)
		return;
	foot(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

static void pdf_begin(void *ctx, enum ob_lang lang, const char *title, const char *meta)
{
	struct pdf *p = ctx;
	PangoLayout *l = layout(p, title, 17, true, false, TEXT_W, PANGO_ALIGN_LEFT);

	/* a title a little wider than the page is set a little smaller on
	 * one line rather than broken ("2024-" above "Q4"); a long one
	 * still wraps at 17 points */
	for (double size = 16.5; size >= 13 && pango_layout_get_line_count(l) > 1; size -= 0.5) {
		PangoLayout *s = layout(p, title, size, true, false, TEXT_W, PANGO_ALIGN_LEFT);
		if (pango_layout_get_line_count(s) == 1) {
			g_object_unref(l);
			l = s;
		} else {
			g_object_unref(s);
		}
	}
	p->lang = lang;
	p->meta = meta;
	p->page = 1;
	p->y = MARGIN;
	draw(p, l, MARGIN, p->y, 0.1, 0.1, 0.1);
	p->y += height(l) + 2;
	g_object_unref(l);
	l = layout(p, meta, 9, false, false, TEXT_W, PANGO_ALIGN_LEFT);
	draw(p, l, MARGIN, p->y, 0.35, 0.35, 0.35);
	p->y += height(l) + 4;
	g_object_unref(l);
}

/* The heading waiting (if any), kept on one page with the first first
 * points of what follows it. */
static void place(struct pdf *p, double first)
{
	PangoLayout *l, *nl = NULL;
	int level = p->heading_level;
	double h, nh = 0;

	if (!level) {
		need(p, first);
		return;
	}
	p->heading_level = 0;
	l = layout(p, p->heading, level <= 2 ? 12.5 : 10.5, true, false, TEXT_W, PANGO_ALIGN_LEFT);
	h = height(l);
	if (p->note[0]) {
		nl = layout(p, p->note, 8, false, false, TEXT_W, PANGO_ALIGN_LEFT);
		nh = height(nl) + 6;
		p->note[0] = '\0';
	}
	p->y += level <= 2 ? 12 : 6;
	need(p, h + (level <= 2 ? 8 : 4) + nh + first);
	if (level == 2 && p->n_found < OB_COMPENDIUM_TOC_MAX)
		p->found[p->n_found++] = p->page;
	draw(p, l, MARGIN, p->y, 0.1, 0.1, 0.1);
	p->y += h + 2;
	if (level <= 2) {
		cairo_set_source_rgb(p->cr, 0, 0x72 / 255.0, 0xB2 / 255.0);
		cairo_set_line_width(p->cr, 1.5);
		cairo_move_to(p->cr, MARGIN, p->y);
		cairo_line_to(p->cr, MARGIN + TEXT_W, p->y);
		cairo_stroke(p->cr);
		p->y += 4;
	}
	p->y += 2;
	g_object_unref(l);
	if (nl) {
		draw(p, nl, MARGIN, p->y, 0.35, 0.35, 0.35);
		p->y += nh;
		g_object_unref(nl);
	}
}

static void pdf_heading(void *ctx, int level, const char *text)
{
	struct pdf *p = ctx;

	place(p, 90); /* a heading right after another: with some of what follows */
	ob_strlcpy(p->heading, text, sizeof p->heading);
	p->heading_level = level;
}

static void pdf_para(void *ctx, enum ob_bl_para style, const char *text)
{
	struct pdf *p = ctx;
	double in = style == OB_BL_BOX ? 10 : 0;
	PangoLayout *l;
	double h;

	if (style == OB_BL_META && p->heading_level && !p->note[0]) {
		ob_strlcpy(p->note, text, sizeof p->note);
		return;
	}
	l = layout(p, text, style == OB_BL_META ? 8 : 9, false, false, TEXT_W - 2 * in,
	           PANGO_ALIGN_LEFT);
	h = height(l);

	place(p, h + 6);
	if (style == OB_BL_BOX) {
		cairo_set_source_rgb(p->cr, 0xf5 / 255.0, 0xf7 / 255.0, 0xfa / 255.0);
		cairo_rectangle(p->cr, MARGIN, p->y, TEXT_W, h + 6);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0x72 / 255.0, 0xB2 / 255.0);
		cairo_rectangle(p->cr, MARGIN, p->y, 3, h + 6);
		cairo_fill(p->cr);
		p->y += 3;
	}
	if (style == OB_BL_META)
		draw(p, l, MARGIN + in, p->y, 0.35, 0.35, 0.35);
	else
		draw(p, l, MARGIN + in, p->y, 0.1, 0.1, 0.1);
	p->y += h + (style == OB_BL_BOX ? 3 : 6);
	g_object_unref(l);
}

/* The width of text at 8.5 points unwrapped (words: its longest word). */
static double text_w(struct pdf *p, const char *text, bool bold, bool words)
{
	char word[OB_BULLETIN_CELL_MAX + 4];
	double best = 0;
	PangoLayout *l;
	int w, h;

	if (!words) {
		l = layout(p, text, 8.5, bold, false, -1, PANGO_ALIGN_LEFT);
		pango_layout_set_width(l, -1);
		pango_layout_get_size(l, &w, &h);
		g_object_unref(l);
		return (double)w / PANGO_SCALE;
	}
	for (const char *s = text; *s;) {
		size_t n = strcspn(s, " ");
		if (n) {
			ob_strlcpy(word, s, n + 1 < sizeof word ? n + 1 : sizeof word);
			if (text_w(p, word, bold, false) > best)
				best = text_w(p, word, bold, false);
		}
		s += n + (s[n] == ' ');
	}
	return best;
}

/* Column widths from the cells: each column as wide as its longest cell
 * (a header may wrap at its blanks); what the page has left goes first to
 * the headers that wrap (so that they wrap less), then to the first column
 * (names). When the cells need more than the page, the columns that can
 * wrap (text) give up width in proportion to what they can, never below
 * their longest word. */
static void widths(struct pdf *p, const struct ob_bl_cell *c, size_t rows, size_t cols, double *w)
{
	const double pad = 15; /* 3 each side, and a gap */
	double nat[16] = { 0 }, min[16] = { 0 }, hdr[16] = { 0 }, sum = 0, give = 0, rest = 0;
	double want = 0, slack;

	for (size_t r = 0; r < rows; r++)
		for (size_t k = 0; k < cols; k++) {
			const struct ob_bl_cell *x = &c[r * cols + k];
			char s[OB_BULLETIN_CELL_MAX + 4];
			double n, m;
			snprintf(s, sizeof s, "%s%s", x->text, x->star ? "*" : "");
			m = text_w(p, s, r == 0, true) + pad;
			n = r == 0 ? m : text_w(p, s, false, false) + pad;
			nat[k] = n > nat[k] ? n : nat[k];
			min[k] = m > min[k] ? m : min[k];
			if (r == 0)
				hdr[k] = text_w(p, s, true, false) + pad;
		}
	for (size_t k = 0; k < cols; k++) {
		sum += nat[k];
		give += nat[k] - min[k];
		if (k)
			rest += nat[k];
	}
	if (sum <= TEXT_W) {
		slack = TEXT_W - sum;
		for (size_t k = 1; k < cols; k++)
			want += hdr[k] > nat[k] ? hdr[k] - nat[k] : 0;
		for (size_t k = 1; k < cols; k++) {
			double more = hdr[k] > nat[k] ? hdr[k] - nat[k] : 0;
			w[k] = nat[k] + (want > slack ? more * slack / want : more);
			rest += w[k] - nat[k];
		}
		w[0] = TEXT_W - rest;
		return;
	}
	for (size_t k = 0; k < cols; k++)
		w[k] = give >= sum - TEXT_W ? nat[k] - (sum - TEXT_W) * (nat[k] - min[k]) / give
		                            : nat[k] * TEXT_W / sum;
}

/* One row at p->y; returns its height. draw_it false: only measure. */
static double row(struct pdf *p, const struct ob_bl_cell *c, size_t cols, const double *w,
                  bool header, bool draw_it)
{
	PangoLayout *l[16];
	double hmax = 0, x = MARGIN;
	const double pad = 3;
	char s[OB_BULLETIN_CELL_MAX + 4];

	for (size_t k = 0; k < cols; k++) {
		snprintf(s, sizeof s, "%s%s", c[k].text, c[k].star ? "*" : "");
		/* a number right-aligned keeps a gap before the next column */
		bool right = !header && c[k].kind != OB_BL_TEXT;
		l[k] = layout(p, s, 8.5, header, !header && c[k].kind == OB_BL_NA,
		              w[k] - 2 * pad - (right ? 6 : 0), right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		if (height(l[k]) > hmax)
			hmax = height(l[k]);
	}
	hmax += 2 * pad;
	if (draw_it) {
		if (header) {
			cairo_set_source_rgb(p->cr, 0xf2 / 255.0, 0xf2 / 255.0, 0xf2 / 255.0);
			cairo_rectangle(p->cr, MARGIN, p->y, TEXT_W, hmax);
			cairo_fill(p->cr);
		}
		for (size_t k = 0; k < cols; k++) {
			bool na = !header && c[k].kind == OB_BL_NA;
			draw(p, l[k], x + pad, p->y + pad, na ? 0.35 : 0.1, na ? 0.35 : 0.1,
			     na ? 0.35 : 0.1);
			x += w[k];
		}
		cairo_set_source_rgb(p->cr, 0xd9 / 255.0, 0xd9 / 255.0, 0xd9 / 255.0);
		cairo_set_line_width(p->cr, 0.6);
		cairo_move_to(p->cr, MARGIN, p->y + hmax);
		cairo_line_to(p->cr, MARGIN + TEXT_W, p->y + hmax);
		cairo_stroke(p->cr);
	}
	for (size_t k = 0; k < cols; k++)
		g_object_unref(l[k]);
	return hmax;
}

static void pdf_table(void *ctx, const struct ob_bl_cell *c, size_t rows, size_t cols)
{
	struct pdf *p = ctx;
	double w[16], all = 0;

	if (cols > OB_ARRAY_SIZE(w) || !rows)
		return;
	widths(p, c, rows, cols, w);
	/* a short table on one page; a longer one breaks after its first row */
	for (size_t r = 0; r < rows && all <= SHORT_TABLE; r++)
		all += row(p, c + r * cols, cols, w, r == 0, false);
	place(p, all <= SHORT_TABLE ? all
	                            : row(p, c, cols, w, true, false) +
	                                      (rows > 1 ? row(p, c + cols, cols, w, false, false) : 0));
	p->y += row(p, c, cols, w, true, true);
	for (size_t r = 1; r < rows; r++) {
		int page = p->page;
		need(p, row(p, c + r * cols, cols, w, false, false));
		if (p->page != page) /* the header again on the new page */
			p->y += row(p, c, cols, w, true, true);
		p->y += row(p, c + r * cols, cols, w, false, true);
	}
	p->y += 6;
}

static void pdf_figure(void *ctx, const char *svg, size_t len)
{
	struct pdf *p = ctx;
	GError *err = NULL;
	RsvgHandle *hd = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
	double w = 0, h = 0, scale;
	RsvgRectangle vp;

	if (!hd || !rsvg_handle_get_intrinsic_size_in_pixels(hd, &w, &h) || w <= 0 || h <= 0) {
		if (err)
			snprintf(p->error, sizeof p->error, "%s", err->message);
		else
			snprintf(p->error, sizeof p->error, "SVG");
		goto free_handle;
	}
	scale = TEXT_W / w;
	if (h * scale > BOTTOM - MARGIN)
		scale = (BOTTOM - MARGIN) / h;
	/* a little too tall for what is left of the page: smaller, rather
	 * than a page left mostly empty */
	if (!p->heading_level && p->y > MARGIN && h * scale + 6 > BOTTOM - p->y &&
	    BOTTOM - p->y - 6 >= 0.75 * h * scale)
		scale = (BOTTOM - p->y - 6) / h;
	place(p, h * scale + 6);
	vp = (RsvgRectangle){ MARGIN + (TEXT_W - w * scale) / 2, p->y, w * scale, h * scale };
	if (!rsvg_handle_render_document(hd, p->cr, &vp, &err))
		snprintf(p->error, sizeof p->error, "%s", err ? err->message : "SVG");
	p->y += h * scale + 6;
free_handle:
	if (err)
		g_error_free(err);
	if (hd)
		g_object_unref(hd);
}

/* What follows on a new page (none when this one is still empty). */
static void pdf_page(void *ctx)
{
	struct pdf *p = ctx;

	place(p, 0);
	if (p->y <= MARGIN + 60 && p->page > 1)
		return;
	foot(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* The table of contents: each entry and, right, the page the first pass
 * found its heading on ("…" during that pass: the same width). */
static void pdf_toc(void *ctx, const char *title, const char *const *entries, size_t n)
{
	struct pdf *p = ctx;
	PangoLayout *l = layout(p, title, 12.5, true, false, TEXT_W, PANGO_ALIGN_LEFT);
	char num[16];
	size_t half;
	double cw;

	place(p, 0);
	p->y += 12;
	need(p, height(l) + 20);
	draw(p, l, MARGIN, p->y, 0.1, 0.1, 0.1);
	p->y += height(l) + 6;
	g_object_unref(l);
	/* in two columns when long: entry i in column i / half */
	half = n > 24 ? (n + 1) / 2 : n;
	cw = n > 24 ? (TEXT_W - 18) / 2 : TEXT_W;
	for (size_t i = 0; i < half; i++) {
		double h = 0;
		for (size_t j = i; j < n; j += half) {
			PangoLayout *e = layout(p, entries[j], 9, false, false, cw - 34, PANGO_ALIGN_LEFT);
			h = height(e) + 3 > h ? height(e) + 3 : h;
			g_object_unref(e);
		}
		need(p, h);
		for (size_t j = i, col = 0; j < n; j += half, col++) {
			double x = MARGIN + (double)col * (cw + 18);
			PangoLayout *pg;
			if (j < p->n_known)
				snprintf(num, sizeof num, "%d", p->known[j]);
			else
				ob_strlcpy(num, "…", sizeof num);
			l = layout(p, entries[j], 9, false, false, cw - 34, PANGO_ALIGN_LEFT);
			pg = layout(p, num, 9, false, false, 30, PANGO_ALIGN_RIGHT);
			draw(p, l, x, p->y, 0.1, 0.1, 0.1);
			draw(p, pg, x + cw - 30, p->y, 0.1, 0.1, 0.1);
			cairo_set_source_rgb(p->cr, 0xd9 / 255.0, 0xd9 / 255.0, 0xd9 / 255.0);
			cairo_set_line_width(p->cr, 0.5);
			cairo_move_to(p->cr, x, p->y + h - 1);
			cairo_line_to(p->cr, x + cw, p->y + h - 1);
			cairo_stroke(p->cr);
			g_object_unref(pg);
			g_object_unref(l);
		}
		p->y += h;
	}
	p->y += 6;
}

static ob_err pdf_end(void *ctx, struct ob_diag *d)
{
	struct pdf *p = ctx;
	cairo_status_t st;

	place(p, 0);
	foot(p);
	cairo_show_page(p->cr);
	st = cairo_status(p->cr);
	cairo_destroy(p->cr);
	p->cr = NULL;
	cairo_surface_finish(p->surface);
	if (!st)
		st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	p->surface = NULL;
	if (p->write_error)
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir el boletín",
		               "could not write the bulletin");
	if (p->error[0])
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "un gráfico no se pudo dibujar: %s",
		               "a chart could not be drawn: %s", p->error);
	if (st)
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "cairo: %s", "cairo: %s",
		               cairo_status_to_string(st));
	return OB_OK;
}

typedef ob_err writer(const struct ob_bulletin *b, const struct ob_bl_sink *s, struct ob_diag *d);

static ob_err pass(struct pdf *p, writer *w, const struct ob_bulletin *b, struct ob_diag *d)
{
	const struct ob_bl_sink s = { p, pdf_begin, pdf_heading, pdf_para, pdf_table, pdf_figure,
		                      pdf_end, pdf_page, pdf_toc };
	ob_err e;

	p->surface = cairo_pdf_surface_create_for_stream(write_out, p, PAGE_W, PAGE_H);
	p->cr = cairo_create(p->surface);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "observa");
	e = w(b, &s, d);
	if (p->cr) /* refused before it began: pdf_end was not called */
		cairo_destroy(p->cr);
	if (p->surface)
		cairo_surface_destroy(p->surface);
	p->cr = NULL;
	p->surface = NULL;
	return e;
}

/* Pango's default font map (and the fonts it holds) lives until a
 * document is written. cairo's and fontconfig's own caches stay for the
 * process: tearing them down (cairo_debug_reset_static_data, FcFini) is
 * only safe when nothing anywhere holds a font or a pattern, which Pango
 * does not promise (cairo aborted in its hash table now and then when
 * they were reset here). What fontconfig keeps for the process is named
 * in tests/lsan.supp for the leak checker of the tests. */
static void fonts_release(void)
{
	pango_cairo_font_map_set_default(NULL);
}

static ob_err two_passes(FILE *out, writer *w, const struct ob_bulletin *b, struct ob_diag *d)
{
	struct pdf *p = ob_calloc(1, sizeof *p);
	ob_err e;

	if (!(e = pass(p, w, b, d))) {
		int pages = p->page;
		size_t n = p->n_found;
		memcpy(p->known, p->found, sizeof p->known);
		memset(p, 0, offsetof(struct pdf, known));
		p->n_found = 0;
		p->out = out;
		p->pages = pages;
		p->n_known = n;
		e = pass(p, w, b, d);
	}
	free(p);
	fonts_release();
	return e;
}

ob_err ob_bulletin_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	if (ob_render_load(d))
		return d->code;
	return two_passes(out, ob_bulletin_write, b, d);
}

ob_err ob_compendium_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	if (ob_render_load(d))
		return d->code;
	return two_passes(out, ob_compendium_write, b, d);
}

/* The infographic's SVG in memory (*svg, *len: free(*svg)). */
static ob_err infographic_mem(const struct ob_bulletin *b, char **svg, size_t *len,
                              struct ob_diag *d)
{
	FILE *f = open_memstream(svg, len);
	ob_err e;

	if (!f)
		return OB_DIAG(d, OB_ENOMEM, "", 0, 0, NULL, 0, "sin memoria para la infografía",
		               "out of memory for the infographic");
	e = ob_infographic_svg(f, b, d);
	if (fclose(f) != 0 && !e)
		e = OB_DIAG(d, OB_ENOMEM, "", 0, 0, NULL, 0, "sin memoria para la infografía",
		            "out of memory for the infographic");
	return e;
}

/* Draw the infographic into the rectangle vp of cr. */
static ob_err infographic_draw(const char *svg, size_t len, cairo_t *cr, const RsvgRectangle *vp,
                               struct ob_diag *d)
{
	GError *err = NULL;
	RsvgHandle *hd = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
	ob_err e = OB_OK;

	if (!hd || !rsvg_handle_render_document(hd, cr, vp, &err))
		e = OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "la infografía no se pudo dibujar: %s",
		            "the infographic could not be drawn: %s", err ? err->message : "SVG");
	if (err)
		g_error_free(err);
	if (hd)
		g_object_unref(hd);
	return e;
}

static ob_err cairo_result(struct pdf *p, cairo_status_t st, struct ob_diag *d)
{
	if (p->write_error)
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir la infografía",
		               "could not write the infographic");
	if (st)
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "cairo: %s", "cairo: %s",
		               cairo_status_to_string(st));
	return OB_OK;
}

ob_err ob_infographic_png(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	struct pdf p = { .out = out };
	cairo_surface_t *sf;
	cairo_t *cr;
	char *svg = NULL;
	size_t len = 0;
	cairo_status_t st;
	ob_err e;

	if (ob_render_load(d))
		return d->code;
	if ((e = infographic_mem(b, &svg, &len, d)))
		goto free_svg;
	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, OB_INFOGRAPHIC_W, OB_INFOGRAPHIC_H);
	cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	e = infographic_draw(svg, len, cr,
	                     &(RsvgRectangle){ 0, 0, OB_INFOGRAPHIC_W, OB_INFOGRAPHIC_H }, d);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (!e && !st)
		st = cairo_surface_write_to_png_stream(sf, write_out, &p);
	cairo_surface_destroy(sf);
	if (!e)
		e = cairo_result(&p, st, d);
free_svg:
	free(svg);
	fonts_release();
	return e;
}

ob_err ob_infographic_pdf(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	const double m = 28.35; /* 10 mm */
	struct pdf p = { .out = out };
	cairo_surface_t *sf;
	cairo_t *cr;
	char *svg = NULL;
	size_t len = 0;
	double scale, w, h;
	cairo_status_t st;
	ob_err e;

	if (ob_render_load(d))
		return d->code;
	if ((e = infographic_mem(b, &svg, &len, d)))
		goto free_svg;
	scale = (PAGE_W - 2 * m) / OB_INFOGRAPHIC_W;
	if ((PAGE_H - 2 * m) / OB_INFOGRAPHIC_H < scale)
		scale = (PAGE_H - 2 * m) / OB_INFOGRAPHIC_H;
	w = OB_INFOGRAPHIC_W * scale;
	h = OB_INFOGRAPHIC_H * scale;
	sf = cairo_pdf_surface_create_for_stream(write_out, &p, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "observa");
	cr = cairo_create(sf);
	e = infographic_draw(svg, len, cr,
	                     &(RsvgRectangle){ (PAGE_W - w) / 2, (PAGE_H - h) / 2, w, h }, d);
	cairo_show_page(cr);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (!st)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (!e)
		e = cairo_result(&p, st, d);
free_svg:
	free(svg);
	fonts_release();
	return e;
}
