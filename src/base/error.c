/* error.c - names, messages and diagnostics for the codes in error.h. */
#include "base/common.h"

static const char *const names[] = {
#define OB_ERR_NAME(name, es, en) "OB_E" #name,
	OB_ERRNO_MAP(OB_ERR_NAME)
#undef OB_ERR_NAME
};

static const char *const msgs_es[] = {
#define OB_ERR_ES(name, es, en) es,
	OB_ERRNO_MAP(OB_ERR_ES)
#undef OB_ERR_ES
};

static const char *const msgs_en[] = {
#define OB_ERR_EN(name, es, en) en,
	OB_ERRNO_MAP(OB_ERR_EN)
#undef OB_ERR_EN
};

const char *ob_err_name(ob_err e)
{
	return (unsigned)e < OB_E_COUNT ? names[e] : "OB_E?";
}

const char *ob_err_msg(ob_err e)
{
	return (unsigned)e < OB_E_COUNT ? msgs_es[e] : "error desconocido";
}

const char *ob_err_msg_en(ob_err e)
{
	return (unsigned)e < OB_E_COUNT ? msgs_en[e] : "unknown error";
}

const char *ob_err_text(ob_err e)
{
	return ob_lang_is_en() ? ob_err_msg_en(e) : ob_err_msg(e);
}

void ob_diag_clear(struct ob_diag *d)
{
	memset(d, 0, sizeof(*d));
}

/* Copy a value for display: control bytes become '?', cut at the limit. */
static void copy_value(char *dst, size_t size, const char *v, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n && j + 4 < size; i++) {
		unsigned char c = (unsigned char)v[i];
		dst[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n > 0 && j + 4 >= size && j + 3 < size) {
		/* mark the cut */
		dst[j++] = '.';
		dst[j++] = '.';
		dst[j++] = '.';
	}
	dst[j] = '\0';
}

/* Where and what of a diagnostic: everything but its message. */
static void diag_where(struct ob_diag *d, ob_err code, const char *file, long line, long column,
                       const char *value, size_t value_len)
{
	d->code = code;
	ob_strlcpy(d->file, file ? file : "", sizeof(d->file));
	d->line = line;
	d->column = column;
	if (value)
		copy_value(d->value, sizeof(d->value), value, value_len);
	else
		d->value[0] = '\0';
	d->lang = ob_lang();
}

ob_err ob_diag_set(struct ob_diag *d, ob_err code, const char *file, long line,
                   long column, const char *value, size_t value_len,
                   const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return code;
	diag_where(d, code, file, line, column, value, value_len);
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
	d->message_other[0] = '\0';
	return code;
}

ob_err ob_diag_vset2(struct ob_diag *d, ob_err code, const char *file, long line, long column,
                     const char *value, size_t value_len, const char *es, const char *en,
                     va_list ap)
{
	va_list a1, a2;

	if (!d)
		return code;
	diag_where(d, code, file, line, column, value, value_len);
	va_copy(a1, ap);
	va_copy(a2, ap);
	if (d->lang == OB_LANG_EN) {
		vsnprintf(d->message, sizeof(d->message), en, a1);
		vsnprintf(d->message_other, sizeof(d->message_other), es, a2);
	} else {
		vsnprintf(d->message, sizeof(d->message), es, a1);
		vsnprintf(d->message_other, sizeof(d->message_other), en, a2);
	}
	va_end(a2);
	va_end(a1);
	return code;
}

ob_err ob_diag_set_texts(struct ob_diag *d, ob_err code, const char *file, long line,
                         long column, const char *value, size_t value_len, const char *es,
                         const char *en)
{
	if (!d)
		return code;
	diag_where(d, code, file, line, column, value, value_len);
	ob_strlcpy(d->message, d->lang == OB_LANG_EN ? en : es, sizeof(d->message));
	ob_strlcpy(d->message_other, d->lang == OB_LANG_EN ? es : en, sizeof(d->message_other));
	return code;
}

ob_err ob_diag_set2(struct ob_diag *d, ob_err code, const char *file, long line, long column,
                    const char *value, size_t value_len, const char *es, const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	code = ob_diag_vset2(d, code, file, line, column, value, value_len, es, en, ap);
	va_end(ap);
	return code;
}

void ob_diag_format(const struct ob_diag *d, char *out, size_t size)
{
	ob_diag_format_lang(d, ob_lang(), out, size);
}

void ob_diag_format_lang(const struct ob_diag *d, enum ob_lang lang, char *out, size_t size)
{
	bool en = lang == OB_LANG_EN;
	const char *msg = lang != d->lang && d->message_other[0] ? d->message_other : d->message;
	char where[320] = "";
	size_t n = 0;

	if (d->file[0] && d->line > 0 && d->column > 0)
		snprintf(where, sizeof(where), "%s:%ld:%ld: ", d->file, d->line, d->column);
	else if (d->file[0] && d->line > 0)
		snprintf(where, sizeof(where), "%s:%ld: ", d->file, d->line);
	else if (d->file[0])
		snprintf(where, sizeof(where), "%s: ", d->file);
	n = (size_t)snprintf(out, size, "%s%s", where,
	                     msg[0] ? msg : en ? ob_err_msg_en(d->code) : ob_err_msg(d->code));
	if (d->value[0] && n < size)
		snprintf(out + n, size - n, en ? " (value «%s»)" : " (valor «%s»)", d->value);
}
