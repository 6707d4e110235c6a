/* fullname.c - a full name as one string split into given names and
 * surnames, particles ("de", "del", "de la") kept with the word after them
 * (link/record.h). */
#include "link/record.h"

#include "text/text.h"

/* Units of a folded name: particles attached to the word after them. */
static size_t name_units(const char *s, size_t n, struct ob_span *u, size_t max)
{
	size_t i = 0, k = 0, pending = (size_t)-1;

	while (i < n && k < max) {
		size_t a, b;
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		a = i;
		while (i < n && s[i] != ' ')
			i++;
		b = i;
		if (ob_name_is_particle(s + a, b - a) && i < n) {
			if (pending == (size_t)-1)
				pending = a;
			continue;
		}
		u[k].off = pending == (size_t)-1 ? a : pending;
		u[k].len = b - u[k].off;
		k++;
		pending = (size_t)-1;
	}
	return k;
}

static ob_err put_span(const char *s, struct ob_span sp, struct ob_buf *out)
{
	return sp.len ? ob_buf_add(out, s + sp.off, sp.len) : OB_OK;
}

ob_err ob_fullname_split(const char *s, size_t n, unsigned flags, struct ob_buf *given,
                         struct ob_buf *sur1, struct ob_buf *sur2)
{
	struct ob_buf f = OB_BUF_INIT(OB_MAX_FIELD);
	struct ob_span u[64];
	const char *comma = memchr(s, ',', n);
	size_t k;
	ob_err e;

	if (comma) {
		struct ob_span sp[2];
		size_t cut;
		/* "APELLIDOS, NOMBRES" */
		if ((e = ob_name_fold(comma + 1, n - (size_t)(comma + 1 - s), flags, given)))
			goto out;
		if ((e = ob_name_fold(s, (size_t)(comma - s), flags, &f)))
			goto out;
		cut = f.len;
		ob_surnames_split(f.ptr ? f.ptr : "", cut, sp);
		if ((e = put_span(f.ptr, sp[0], sur1)) || (e = put_span(f.ptr, sp[1], sur2)))
			goto out;
		goto out;
	}
	if ((e = ob_name_fold(s, n, flags, &f)))
		goto out;
	k = name_units(f.ptr ? f.ptr : "", f.len, u, OB_ARRAY_SIZE(u));
	if (k == 0)
		goto out;
	if (k == 1) {
		e = put_span(f.ptr, u[0], given);
	} else if (k == 2) {
		if (!(e = put_span(f.ptr, u[0], given)))
			e = put_span(f.ptr, u[1], sur1);
	} else {
		struct ob_span g = { u[0].off, u[k - 3].off + u[k - 3].len - u[0].off };
		if (!(e = put_span(f.ptr, g, given)) && !(e = put_span(f.ptr, u[k - 2], sur1)))
			e = put_span(f.ptr, u[k - 1], sur2);
	}
out:
	ob_buf_release(&f);
	return e;
}
