/*
 * csv_sniff.c - the dialect of a CSV input: its encoding and delimiter, chosen
 * from the first bytes, and examples of the bytes that decided.
 */
#include "io/csv_impl.h"

#include "text/text.h"

/* Records of the sniffed prefix looked at to choose the delimiter. */
#define SNIFF_RECORDS 200

/* ---- sniffing --------------------------------------------------------- */

/*
 * Count the fields of the first records of s[0..n) split by delim, quotes
 * respected. A record cut by the end of s is left out unless eof. Returns
 * the number of records counted into counts[].
 */
static int sniff_counts(const char *s, size_t n, bool eof, char delim,
                        int counts[SNIFF_RECORDS])
{
	size_t i = 0;
	int nrec = 0;

	while (i < n && nrec < SNIFF_RECORDS) {
		int nf = 1;
		bool at_start = true, in_quotes = false, ended = false;

		for (; i < n; i++) {
			char c = s[i];
			if (in_quotes) {
				if (c == '"') {
					if (i + 1 < n && s[i + 1] == '"')
						i++;
					else
						in_quotes = false;
				}
				continue;
			}
			if (c == '"' && at_start) {
				in_quotes = true;
				at_start = false;
			} else if (c == delim) {
				nf++;
				at_start = true;
			} else if (c == '\n' || c == '\r') {
				if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
					i++;
				i++;
				ended = true;
				break;
			} else {
				at_start = false;
			}
		}
		if (!ended && (!eof || in_quotes))
			break;
		counts[nrec++] = nf;
	}
	return nrec;
}

struct delim_score {
	int mode;  /* most frequent field count among records with more than one */
	int freq;  /* how many records have it */
	int multi; /* records with more than one field */
};

static struct delim_score score_delim(const char *s, size_t n, bool eof, char delim)
{
	int counts[SNIFF_RECORDS];
	int nrec = sniff_counts(s, n, eof, delim, counts);
	struct delim_score sc = { 0, 0, 0 };

	for (int i = 0; i < nrec; i++) {
		int f = 0;
		if (counts[i] < 2)
			continue;
		sc.multi++;
		for (int j = 0; j < nrec; j++)
			f += counts[j] == counts[i];
		if (f > sc.freq || (f == sc.freq && counts[i] > sc.mode)) {
			sc.freq = f;
			sc.mode = counts[i];
		}
	}
	return sc;
}

/*
 * Choose among ; , tab | the delimiter whose multi-field records agree most
 * on their field count (banner rows of one field do not count). With no
 * multi-field record at all the file has one column and ',' is as good as
 * any. Returns 0 when the best candidate agrees on fewer than half of its
 * records.
 */
static char sniff_delim(const char *s, size_t n, bool eof)
{
	static const char cand[] = { ';', ',', '\t', '|' };
	struct delim_score best = { 0, 0, 0 };
	char pick = ',';

	for (size_t i = 0; i < sizeof(cand); i++) {
		struct delim_score sc = score_delim(s, n, eof, cand[i]);
		if (sc.freq > best.freq || (sc.freq == best.freq && sc.mode > best.mode)) {
			best = sc;
			pick = cand[i];
		}
	}
	if (best.multi == 0)
		return ',';
	if (2 * best.freq < best.multi)
		return 0;
	return pick;
}

/* 1-based line of offset k of s. */
static long line_of(const char *s, size_t k)
{
	long line = 1;

	for (size_t i = 0; i < k; i++) {
		if (s[i] == '\n')
			line++;
		else if (s[i] == '\r' && (i + 1 >= k || s[i + 1] != '\n'))
			line++;
	}
	return line;
}

bool csv_has_high(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Copy the UTF-8 in b to out (size OB_ENCODING_EXAMPLE_BYTES + 4), cut on a
 * character boundary with "…" when longer. */
static void example_text(const struct ob_buf *b, char *out)
{
	size_t n = b->len;

	if (n > OB_ENCODING_EXAMPLE_BYTES) {
		n = OB_ENCODING_EXAMPLE_BYTES - 3;
		while (n && ((unsigned char)b->ptr[n] & 0xC0) == 0x80)
			n--;
		memcpy(out, b->ptr, n);
		memcpy(out + n, "\xE2\x80\xA6", 4);
		return;
	}
	memcpy(out, b->ptr ? b->ptr : "", n);
	out[n] = '\0';
}

/* Keep field s[0..n) at line and column as an example of the contradiction
 * when it reads differently in the two encodings. */
void csv_add_example(struct ob_csv_reader *r, long line, long column, const char *s,
                     size_t n)
{
	struct ob_csv_encoding_check *c = &r->check;
	struct ob_csv_encoding_example *x;
	struct ob_buf utf8 = OB_BUF_INIT(4 * OB_MAX_FIELD), cp = OB_BUF_INIT(4 * OB_MAX_FIELD);
	size_t m = n > 3 * OB_ENCODING_EXAMPLE_BYTES ? 3 * OB_ENCODING_EXAMPLE_BYTES : n;

	if (c->nexamples >= OB_MAX_ENCODING_EXAMPLES)
		return;
	if (r->enc == OB_ENC_CP1252 ? ob_utf8_valid_len(s, n) == n : !csv_has_high(s, n))
		return; /* reads the same either way */
	if (!ob_utf8_lossy(s, m, &utf8) && !ob_cp1252_to_utf8(s, m, &cp) && utf8.ptr && cp.ptr) {
		x = &c->examples[c->nexamples++];
		x->line = line;
		x->column = column;
		example_text(c->given == OB_ENC_UTF8 ? &utf8 : &cp, x->as_given);
		example_text(c->given == OB_ENC_UTF8 ? &cp : &utf8, x->as_read);
	}
	ob_buf_release(&utf8);
	ob_buf_release(&cp);
}

/* Examples of the contradiction among the fields of the sniffed bytes
 * s[0..n): a quote-aware walk that knows lines and columns. */
static void sniff_examples(struct ob_csv_reader *r, const char *s, size_t n)
{
	size_t i = 0, f = 0;
	long line = 1, fline = 1, col = 1;
	bool inq = false;

	while (i < n && r->check.nexamples < OB_MAX_ENCODING_EXAMPLES) {
		char c = s[i];

		if (inq) {
			if (c == '"' && i + 1 < n && s[i + 1] == '"') {
				i += 2;
				continue;
			}
			if (c == '"')
				inq = false;
			else if (c == '\n' || (c == '\r' && !(i + 1 < n && s[i + 1] == '\n')))
				line++;
			i++;
			continue;
		}
		if (c == '"' && i == f) {
			inq = true;
			i++;
			continue;
		}
		if (c == r->delim || c == '\n' || c == '\r') {
			csv_add_example(r, fline, col, s + f, i - f);
			if (c == r->delim) {
				col++;
			} else {
				if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
					i++;
				line++;
				col = 1;
			}
			f = ++i;
			fline = line;
			continue;
		}
		i++;
	}
	if (f < n)
		csv_add_example(r, fline, col, s + f, n - f);
}

ob_err csv_sniff(struct ob_csv_reader *r, const struct ob_csv_options *o,
                 struct ob_diag *d)
{
	const unsigned char *u = (const unsigned char *)r->data;
	const char *s, *nul;
	size_t n = r->len, i;

	if (n == 0)
		return csv_fail(r, d, OB_EEMPTY, 0, 0, NULL, 0,
		                "el archivo está vacío", "the file is empty");
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return csv_fail(r, d, OB_EENCODING, 0, 0, NULL, 0,
		                "el archivo está en UTF-16, que no se admite: guárdelo como "
		                "«CSV UTF-8» o «CSV (delimitado por comas)» (Windows-1252)",
		                "the file is in UTF-16, which is not supported: save it as "
		                "«CSV UTF-8» or «CSV (Comma delimited)» (Windows-1252)");
	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		r->bom = true;
		r->pos = 3;
	}
	s = r->data + r->pos;
	n -= r->pos;
	nul = memchr(s, '\0', n);
	if (nul) {
		size_t odd = 0, even = 0;
		for (i = 0; i < n && i < 512; i++)
			*(i & 1 ? &odd : &even) += s[i] == '\0';
		if (n >= 8 && (odd * 4 > (i / 2) * 3 || even * 4 > (i / 2) * 3))
			return csv_fail(r, d, OB_EENCODING, line_of(s, (size_t)(nul - s)), 0,
			                NULL, 0,
			                "no parece un archivo de texto (bytes nulos); parece "
			                "UTF-16 sin BOM: guárdelo como CSV UTF-8",
			                "this does not look like a text file (NUL bytes); it "
			                "looks like UTF-16 without a BOM: save it as CSV UTF-8");
		return csv_fail(r, d, OB_EENCODING, line_of(s, (size_t)(nul - s)), 0, NULL, 0,
		                "no parece un archivo de texto (bytes nulos)",
		                "this does not look like a text file (NUL bytes)");
	}
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			break;
	if (i == n && r->eof && r->bom)
		return csv_fail(r, d, OB_EEMPTY, 0, 0, NULL, 0,
		                "el archivo no tiene datos (solo espacios y la marca BOM)",
		                "the file holds no data (only blanks and the BOM)");
	if (i == n && r->eof)
		return csv_fail(r, d, OB_EEMPTY, 0, 0, NULL, 0,
		                "el archivo no tiene datos (solo espacios)",
		                "the file holds no data (only blanks)");

	r->enc = o ? o->encoding : OB_ENC_AUTO;
	r->enc_given = r->enc != OB_ENC_AUTO;
	r->follow = r->enc_given && o->follow_bytes;
	r->check.given = r->enc;
	r->high_seen = csv_has_high(s, n);
	{
		size_t cut, ok = ob_utf8_valid_prefix(s, n, &cut);
		bool utf8 = ok == n || (ok + cut == n && !r->eof);

		if (r->bom) {
			/* the BOM says so, whatever was assumed */
			r->check.contradicted = r->follow && r->enc == OB_ENC_CP1252;
			r->enc = OB_ENC_UTF8;
		} else if (r->enc == OB_ENC_AUTO) {
			r->enc = utf8 ? OB_ENC_UTF8 : OB_ENC_CP1252;
		} else if (!r->follow) {
			/* as given */
		} else if (r->enc == OB_ENC_UTF8 && !utf8 && !csv_has_high(s, ok)) {
			/* not UTF-8 from its first byte >= 0x80 on; after valid
			 * multibyte UTF-8 it is mixed, and reading says so */
			r->enc = OB_ENC_CP1252;
			r->check.contradicted = true;
		} else if (r->enc == OB_ENC_CP1252 && utf8 && r->high_seen) {
			r->enc = OB_ENC_UTF8;
			r->check.contradicted = true;
		}
	}

	r->delim = o ? o->delimiter : 0;
	if (!r->delim) {
		r->delim = sniff_delim(s, n, r->eof);
		if (!r->delim)
			return csv_fail(r, d, OB_EINVAL, 0, 0, NULL, 0,
			                "no se pudo determinar el separador: ninguno de ; , "
			                "tabulador | da un número de columnas constante; "
			                "indíquelo en el perfil (delimiter)",
			                "cannot tell the delimiter: none of ; , tab | gives "
			                "a constant number of columns; give it in the profile "
			                "(delimiter)");
	}
	if (r->check.contradicted)
		sniff_examples(r, s, n);
	return OB_OK;
}
