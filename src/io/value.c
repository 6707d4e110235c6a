/* value.c - ages and coordinates as institutions write them (see value.h). */
#include "io/value.h"

#include "text/text.h"

#define AGE_MAX_TOKENS 8
#define AGE_NUM_CAP 1000000

enum age_kind {
	A_NUM,
	A_YEARS,  /* años, a, years */
	A_MONTHS, /* meses */
	A_SMALL,  /* días, semanas, horas: under a year */
	A_TO,     /* a, al, hasta, - (between two numbers) */
	A_LESS,   /* menor, menos, < */
	A_MORE,   /* más, mayor, >, + */
	A_MINUS,  /* '-' */
	A_OTHER,
};

struct age_tok {
	enum age_kind kind;
	long num;       /* A_NUM: integer part, capped at AGE_NUM_CAP */
	char word[24];  /* words folded to lower-case ASCII, cut */
};

static ob_err why_set(char *why, size_t size, ob_err e, const char *fmt, ...)
	OB_PRINTF(4, 5);

static ob_err why_set(char *why, size_t size, ob_err e, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* The base letter of U+00C0..U+00FF (second byte of C3 xx), or 0. */
static char latin1_base(unsigned char b)
{
	static const char map[64] =
		"aaaaaaaceeeeiiii" "dnooooo ouuuuyts"
		"aaaaaaaceeeeiiii" "dnooooo ouuuuyty";
	char c = b >= 0x80 && b <= 0xBF ? map[b - 0x80] : 0;
	return c == ' ' ? 0 : c;
}

static bool is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

static const char *const w_years[] = { "anos", "ano", "anios", "anio", "a", "an",
	"years", "year", "yrs", "yr", NULL };
static const char *const w_months[] = { "meses", "mes", "months", "month", NULL };
static const char *const w_small[] = { "dias", "dia", "d", "semanas", "semana",
	"sem", "horas", "hora", "hrs", "h", "minutos", "days", "day", "weeks",
	"hours", NULL };
static const char *const w_less[] = { "menor", "menos", "under", NULL };
static const char *const w_more[] = { "mas", "mayor", "over", NULL };
static const char *const w_to[] = { "a", "al", "hasta", "to", NULL };
static const char *const w_filler[] = { "de", "del", "y", "o", "edad", "aprox",
	"aproximadamente", "cumplidos", "and", "or", NULL };

/* Whole texts (words joined by one space) that mean "unknown". */
static const char *const unknown_texts[] = {
	"desconocido", "desconocida", "ignorado", "ignorada", "ignora", "se ignora",
	"no indica", "no indicado", "no indicada", "no se indica", "sin dato",
	"sin datos", "s d", "sd", "n d", "nd", "n a", "na", "no consta",
	"no registrado", "no registra", "no determinado", "no determinada",
	"indeterminado", "indeterminada", "no especificado", "no especifica",
	"sin especificar", "sin informacion", "no aplica", "nr", "ns", "no sabe",
	"unknown", "null", "nan", "none", "no disponible", NULL,
};

/* Texts that mean a newborn: 0 years. */
static const char *const newborn_texts[] = {
	"recien nacido", "recien nacida", "rn", "neonato", "neonata", NULL,
};

/*
 * Split s into numbers, words (folded: ASCII lower case, Latin-1 accents
 * removed) and the symbols < > + -. Other punctuation separates. Returns
 * the token count, or -1 when there are too many.
 */
static int age_lex(const unsigned char *s, size_t n, struct age_tok *t,
                   char *joined, size_t jsize)
{
	size_t i = 0, jn = 0;
	int nt = 0;

	joined[0] = '\0';
	while (i < n) {
		unsigned char c = s[i];
		struct age_tok *k = &t[nt];

		if (!(c >= '0' && c <= '9') && !is_word_byte(c) && c != '<' &&
		    c != '>' && c != '+' && c != '-') {
			i++;
			continue;
		}
		if (nt == AGE_MAX_TOKENS)
			return -1;
		memset(k, 0, sizeof(*k));
		if (c >= '0' && c <= '9') {
			k->kind = A_NUM;
			while (i < n && s[i] >= '0' && s[i] <= '9') {
				k->num = k->num * 10 + (s[i++] - '0');
				if (k->num > AGE_NUM_CAP)
					k->num = AGE_NUM_CAP;
			}
			/* a decimal fraction is dropped: ages are completed years */
			if (i + 1 < n && (s[i] == '.' || s[i] == ',') &&
			    s[i + 1] >= '0' && s[i + 1] <= '9') {
				i++;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		} else if (is_word_byte(c)) {
			size_t w = 0;
			while (i < n && is_word_byte(s[i])) {
				char o;
				if (s[i] < 0x80) {
					o = (char)(s[i] | 0x20);
					i++;
				} else if (s[i] == 0xC3 && i + 1 < n) {
					o = latin1_base(s[i + 1]);
					o = o ? o : '?';
					i += 2;
				} else {
					o = '?';
					i++;
				}
				if (w + 1 < sizeof(k->word))
					k->word[w++] = o;
			}
			k->word[w] = '\0';
			k->kind = A_OTHER;
			if (jn + w + 2 < jsize) {
				if (jn)
					joined[jn++] = ' ';
				memcpy(joined + jn, k->word, w + 1);
				jn += w;
			}
		} else {
			k->kind = c == '<' ? A_LESS : c == '>' ? A_MORE :
			          c == '+' ? A_MORE : A_MINUS;
			k->word[0] = (char)c;
			i++;
		}
		nt++;
	}
	return nt;
}

static void age_set(struct ob_age *out, int years, int lo, int hi)
{
	out->years = years;
	out->lo = lo;
	out->hi = hi;
	out->unknown = false;
}

static ob_err out_of_range(long v, char *why, size_t size)
{
	return why_set(why, size, OB_EINVAL, "edad %ld fuera del rango 0-%d", v,
	               OB_MAX_AGE);
}

static ob_err not_an_age(char *why, size_t size)
{
	return why_set(why, size, OB_EPARSE,
	               "edad no reconocida; se esperaba un número de años (35), un "
	               "rango (30-34), «menor de 1», «8 meses» o «desconocido»");
}

/* Years of the number at t[*i] with the unit after it (años, meses, días);
 * advances *i past both. *sub_year is set when the unit is under a year. */
static long age_value(const struct age_tok *t, int nt, int *i, bool *sub_year)
{
	long v = t[*i].num;

	*sub_year = false;
	(*i)++;
	if (*i < nt && t[*i].kind == A_MONTHS) {
		(*i)++;
		*sub_year = v < 12;
		return v / 12;
	}
	if (*i < nt && t[*i].kind == A_SMALL) {
		(*i)++;
		*sub_year = true;
		return 0;
	}
	/* "a" is años unless a number follows ("30 a 34") */
	if (*i < nt && t[*i].kind == A_YEARS &&
	    !(t[*i].word[0] == 'a' && !t[*i].word[1] && *i + 1 < nt &&
	      t[*i + 1].kind == A_NUM))
		(*i)++;
	return v;
}

ob_err ob_age_parse(const char *str, size_t n, struct ob_age *out, char *why,
                    size_t why_size)
{
	struct age_tok raw[AGE_MAX_TOKENS], t[AGE_MAX_TOKENS];
	char joined[96];
	int nraw, nt = 0, i = 0;
	bool any = false, nums = false, sub;
	long a, b;

	if (why && why_size)
		why[0] = '\0';
	out->years = out->lo = out->hi = -1;
	out->unknown = true;
	ob_trim(&str, &n);
	nraw = age_lex((const unsigned char *)str, n, raw, joined, sizeof(joined));
	if (nraw < 0)
		return not_an_age(why, why_size);
	for (int k = 0; k < nraw; k++) {
		nums = nums || raw[k].kind == A_NUM;
		any = any || raw[k].kind == A_NUM || raw[k].kind == A_OTHER;
	}
	if (!any || (!nums && word_in(joined, unknown_texts)))
		return OB_OK; /* "", "-", "?", "desconocido"... */
	if (!nums && word_in(joined, newborn_texts)) {
		age_set(out, 0, 0, 0);
		return OB_OK;
	}

	/* classify words, drop fillers */
	for (int k = 0; k < nraw; k++) {
		struct age_tok x = raw[k];
		if (x.kind == A_OTHER) {
			if (word_in(x.word, w_filler))
				continue;
			if (word_in(x.word, w_years))
				x.kind = A_YEARS;
			else if (word_in(x.word, w_months))
				x.kind = A_MONTHS;
			else if (word_in(x.word, w_small))
				x.kind = A_SMALL;
			else if (word_in(x.word, w_less))
				x.kind = A_LESS;
			else if (word_in(x.word, w_more))
				x.kind = A_MORE;
			else if (word_in(x.word, w_to))
				x.kind = A_TO;
			else
				return not_an_age(why, why_size);
		}
		t[nt++] = x;
	}
	if (nt == 0)
		return not_an_age(why, why_size);

	if (t[0].kind == A_MINUS && nt >= 2 && t[1].kind == A_NUM)
		return out_of_range(-t[1].num, why, why_size);
	if (t[0].kind == A_LESS || t[0].kind == A_MORE) {
		bool less = t[0].kind == A_LESS;
		i = 1;
		if (i >= nt || t[i].kind != A_NUM)
			return not_an_age(why, why_size);
		a = age_value(t, nt, &i, &sub);
		if (i != nt)
			return not_an_age(why, why_size);
		if (a > OB_MAX_AGE)
			return out_of_range(a, why, why_size);
		if (less) {
			/* "menor de 1", "< 1", "menor de 6 meses": 0 years;
			 * "menor de 5": 0-4 */
			if (sub)
				a = 1;
			if (a == 0)
				return not_an_age(why, why_size);
			age_set(out, a == 1 ? 0 : -1, 0, (int)a - 1);
			return OB_OK;
		}
		/* "mayor de 60", "> 60": from 61 on */
		if (!sub)
			a++;
		if (a > OB_MAX_AGE)
			return out_of_range(a, why, why_size);
		age_set(out, -1, (int)a, OB_MAX_AGE);
		return OB_OK;
	}
	if (t[0].kind != A_NUM)
		return not_an_age(why, why_size);
	a = age_value(t, nt, &i, &sub);
	if (a > OB_MAX_AGE)
		return out_of_range(a, why, why_size);
	if (i == nt) {
		age_set(out, (int)a, (int)a, (int)a);
		return OB_OK;
	}
	/* "60+", "60 y más", "60 años o más" */
	if (t[i].kind == A_MORE && i + 1 == nt) {
		age_set(out, -1, (int)a, OB_MAX_AGE);
		return OB_OK;
	}
	/* "30-34", "30 a 34 años", "30 al 34" */
	if ((t[i].kind == A_TO || t[i].kind == A_MINUS ||
	     (t[i].kind == A_YEARS && !strcmp(t[i].word, "a"))) &&
	    i + 1 < nt && t[i + 1].kind == A_NUM) {
		i++;
		b = age_value(t, nt, &i, &sub);
		if (i != nt)
			return not_an_age(why, why_size);
		if (b > OB_MAX_AGE)
			return out_of_range(b, why, why_size);
		if (b < a)
			return why_set(why, why_size, OB_EPARSE,
			               "rango de edad invertido: %ld-%ld", a, b);
		age_set(out, a == b ? (int)a : -1, (int)a, (int)b);
		return OB_OK;
	}
	/* "35 años 3 meses" */
	if (t[i].kind == A_NUM && i + 2 == nt &&
	    (t[i + 1].kind == A_MONTHS || t[i + 1].kind == A_SMALL)) {
		age_set(out, (int)a, (int)a, (int)a);
		return OB_OK;
	}
	return not_an_age(why, why_size);
}

ob_err ob_parse_coord(const char *s, size_t n, bool is_lat, double *out,
                      char *why, size_t why_size)
{
	const char *what = is_lat ? "latitud" : "longitud";
	double v, lim = is_lat ? 90 : 180;
	char hemi = 0;

	if (why && why_size)
		why[0] = '\0';
	ob_trim(&s, &n);
	if (n == 0)
		return OB_ENOENT;
	if (n && strchr("NnSsEeWwOo", s[n - 1])) {
		hemi = (char)(s[n - 1] & ~0x20);
		n--;
		ob_trim(&s, &n);
	}
	/* a degree sign: U+00B0 or the masculine ordinal people type for it */
	if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	    ((unsigned char)s[n - 1] == 0xB0 || (unsigned char)s[n - 1] == 0xBA)) {
		n -= 2;
		ob_trim(&s, &n);
	}
	if (hemi && (is_lat ? hemi != 'N' && hemi != 'S' : hemi == 'N' || hemi == 'S'))
		return why_set(why, why_size, OB_EPARSE,
		               "el hemisferio «%c» no corresponde a una %s", hemi, what);
	if (!ob_parse_double(s, n, &v))
		return why_set(why, why_size, OB_EPARSE,
		               "%s no reconocida; se esperaban grados decimales "
		               "(13.6929 o 13,6929)", what);
	if (hemi == 'S' || hemi == 'W' || hemi == 'O') {
		if (v < 0)
			return why_set(why, why_size, OB_EPARSE,
			               "%s con signo negativo y hemisferio «%c» a la vez",
			               what, hemi);
		v = -v;
	}
	if (v < -lim || v > lim)
		return why_set(why, why_size, OB_EINVAL,
		               "%s %g fuera del rango -%g a %g", what, v, lim, lim);
	*out = v;
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Age bands.
 */
enum band_kind { B_NUM, B_TO, B_MORE, B_LESS, B_GREATER };

static const char *const w_band_more[] = { "mayor", "mayores", NULL };
static const char *const w_band_less[] = { "menor", "menores", "menos", NULL };
static const char *const w_band_to[] = { "al", "hasta", NULL };
static const char *const w_band_filler[] = { "de", "del", "y", "o", "edad", "anos", "ano",
	"anios", "anio", "years", NULL };

static ob_err not_a_band(char *why, size_t size)
{
	return why_set(why, size, OB_EPARSE,
	               "grupo de edad no reconocido; se esperaba un rango (18-29, 12 a 17), "
	               "«60+», «60 y más», «mayor de 60», «menor de 18» o «U»");
}

ob_err ob_age_band_parse(const char *str, size_t n, struct ob_age *out, char *why,
                         size_t why_size)
{
	struct age_tok raw[AGE_MAX_TOKENS];
	enum band_kind k[AGE_MAX_TOKENS];
	long num[AGE_MAX_TOKENS], a, b;
	char joined[96];
	int nraw, nk = 0;
	bool any = false, nums = false;

	if (why && why_size)
		why[0] = '\0';
	out->years = out->lo = out->hi = -1;
	out->unknown = true;
	ob_trim(&str, &n);
	nraw = age_lex((const unsigned char *)str, n, raw, joined, sizeof(joined));
	if (nraw < 0)
		return not_a_band(why, why_size);
	for (int i = 0; i < nraw; i++) {
		nums = nums || raw[i].kind == A_NUM;
		any = any || raw[i].kind == A_NUM || raw[i].kind == A_OTHER;
	}
	if (!any || (!nums && (!strcmp(joined, "u") || word_in(joined, unknown_texts))))
		return OB_OK;
	for (int i = 0; i < nraw; i++) {
		const struct age_tok *t = &raw[i];

		num[nk] = 0;
		if (t->kind == A_NUM) {
			k[nk] = B_NUM;
			num[nk] = t->num;
		} else if (t->kind == A_MINUS) {
			k[nk] = B_TO;
		} else if (t->kind == A_LESS) {
			k[nk] = B_LESS;
		} else if (t->kind == A_MORE) {
			/* "60+" is 60 and over; "> 60" leaves 60 out */
			k[nk] = t->word[0] == '+' ? B_MORE : B_GREATER;
		} else if (!strcmp(t->word, "a")) {
			/* "12 a 17" (to) or "18 a" (años) */
			bool after = nk > 0 && k[nk - 1] == B_NUM;
			if (after && i + 1 < nraw && raw[i + 1].kind == A_NUM)
				k[nk] = B_TO;
			else if (after)
				continue;
			else
				return not_a_band(why, why_size);
		} else if (!strcmp(t->word, "mas")) {
			/* "60 y más" (over) or "más de 60" (leaves 60 out) */
			k[nk] = nk > 0 && k[nk - 1] == B_NUM ? B_MORE : B_GREATER;
		} else if (word_in(t->word, w_band_more)) {
			k[nk] = B_MORE;
		} else if (word_in(t->word, w_band_less)) {
			k[nk] = B_LESS;
		} else if (word_in(t->word, w_band_to)) {
			k[nk] = B_TO;
		} else if (word_in(t->word, w_band_filler)) {
			continue;
		} else {
			return not_a_band(why, why_size);
		}
		nk++;
	}
	if (nk == 3 && k[0] == B_NUM && k[1] == B_TO && k[2] == B_NUM) {
		a = num[0];
		b = num[2];
	} else if (nk == 2 && k[0] == B_NUM && k[1] == B_MORE) {
		a = num[0];
		b = OB_MAX_AGE;
	} else if (nk == 2 && k[0] == B_MORE && k[1] == B_NUM) {
		/* "mayor de 60": 60 and over (the region's laws on older persons) */
		a = num[1];
		b = OB_MAX_AGE;
	} else if (nk == 2 && k[0] == B_LESS && k[1] == B_NUM) {
		if (num[1] < 1)
			return not_a_band(why, why_size);
		a = 0;
		b = num[1] - 1;
	} else if (nk == 2 && k[0] == B_GREATER && k[1] == B_NUM) {
		return why_set(why, why_size, OB_EPARSE,
		               "grupo de edad ambiguo: «más de %ld» o «> %ld» no dice si %ld entra; "
		               "se esperaba «%ld y más» o «%ld+»", num[1], num[1], num[1],
		               num[1] + 1, num[1] + 1);
	} else {
		return not_a_band(why, why_size);
	}
	if (a > OB_MAX_AGE || b > OB_MAX_AGE)
		return out_of_range(a > OB_MAX_AGE ? a : b, why, why_size);
	if (b < a)
		return why_set(why, why_size, OB_EPARSE, "rango de edad invertido: %ld-%ld", a, b);
	age_set(out, a == b ? (int)a : -1, (int)a, (int)b);
	return OB_OK;
}

/* A whole number 0..OB_MAX_AGE of s[0..n), digits only, no leading zero. */
static bool band_number(const char *s, size_t n, int *v)
{
	long x = 0;

	if (!n || n > 3 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	if (x > OB_MAX_AGE)
		return false;
	*v = (int)x;
	return true;
}

bool ob_age_band_code(const char *s, size_t n, int *lo, int *hi)
{
	const char *dash = n ? memchr(s, '-', n) : NULL;

	if (n == 1 && s[0] == 'U') {
		*lo = *hi = -1;
		return true;
	}
	if (n >= 2 && s[n - 1] == '+') {
		*hi = OB_MAX_AGE;
		return band_number(s, n - 1, lo);
	}
	if (!dash)
		return band_number(s, n, lo) && (*hi = *lo, true);
	return band_number(s, (size_t)(dash - s), lo) &&
	       band_number(dash + 1, n - (size_t)(dash + 1 - s), hi) && *lo <= *hi;
}

void ob_age_band_format(int lo, int hi, char *out, size_t size)
{
	if (lo < 0)
		snprintf(out, size, "U");
	else if (hi >= OB_MAX_AGE && lo < OB_MAX_AGE)
		snprintf(out, size, "%d+", lo);
	else if (lo == hi)
		snprintf(out, size, "%d", lo);
	else
		snprintf(out, size, "%d-%d", lo, hi);
}
