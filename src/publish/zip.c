/* zip.c - a stored (uncompressed) zip writer with CRC-32, for XLSX files. */
#include "publish/release.h"

static uint32_t crc_table[256];
static bool crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = true;
}

uint32_t ob_crc32(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t c = 0xFFFFFFFFu;

	if (!crc_ready)
		crc_init();
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ s[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void le16(FILE *f, unsigned v)
{
	fputc((int)(v & 0xFF), f);
	fputc((int)((v >> 8) & 0xFF), f);
}

static void le32(FILE *f, uint32_t v)
{
	le16(f, v & 0xFFFF);
	le16(f, v >> 16);
}

ob_err ob_zip_write(const char *path, const struct ob_zip_entry *e, size_t n,
                    struct ob_diag *d)
{
	FILE *f;
	uint32_t *off, *crc, cd_start, cd_len;
	bool bad = false;

	if (n > 0xFFFF)
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		               "demasiadas entradas para un zip", "too many entries for a zip");
	for (size_t i = 0; i < n; i++)
		if (e[i].len >= 0xFFFFFFFFu || strlen(e[i].name) > 0xFFFF)
			return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, e[i].name, strlen(e[i].name),
			               "una entrada supera 4 GiB; publique menos años",
			               "an entry exceeds 4 GiB; publish fewer years");
	if (!(f = fopen(path, "wb")))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	off = ob_calloc(n + 1, sizeof(*off));
	crc = ob_calloc(n + 1, sizeof(*crc));
	for (size_t i = 0; i < n; i++) {
		long pos = ftell(f);
		size_t nl = strlen(e[i].name);

		if (pos < 0 || (unsigned long)pos >= 0xFFFFFFFFu) {
			bad = true;
			break;
		}
		off[i] = (uint32_t)pos;
		crc[i] = ob_crc32(e[i].data, e[i].len);
		le32(f, 0x04034b50u);
		le16(f, 20);         /* version needed */
		le16(f, 1u << 11);   /* names are UTF-8 */
		le16(f, 0);          /* stored */
		le16(f, 0);          /* time */
		le16(f, (1u << 5) | 1u); /* 1980-01-01 */
		le32(f, crc[i]);
		le32(f, (uint32_t)e[i].len);
		le32(f, (uint32_t)e[i].len);
		le16(f, (unsigned)nl);
		le16(f, 0);
		fwrite(e[i].name, 1, nl, f);
		if (e[i].len)
			fwrite(e[i].data, 1, e[i].len, f);
	}
	cd_start = (uint32_t)ftell(f);
	for (size_t i = 0; i < n && !bad; i++) {
		size_t nl = strlen(e[i].name);

		le32(f, 0x02014b50u);
		le16(f, 20);         /* made by */
		le16(f, 20);
		le16(f, 1u << 11);
		le16(f, 0);
		le16(f, 0);
		le16(f, (1u << 5) | 1u);
		le32(f, crc[i]);
		le32(f, (uint32_t)e[i].len);
		le32(f, (uint32_t)e[i].len);
		le16(f, (unsigned)nl);
		le16(f, 0);          /* extra */
		le16(f, 0);          /* comment */
		le16(f, 0);          /* disk */
		le16(f, 0);          /* internal attributes */
		le32(f, 0);          /* external attributes */
		le32(f, off[i]);
		fwrite(e[i].name, 1, nl, f);
	}
	cd_len = (uint32_t)ftell(f) - cd_start;
	le32(f, 0x06054b50u);
	le16(f, 0);
	le16(f, 0);
	le16(f, (unsigned)n);
	le16(f, (unsigned)n);
	le32(f, cd_len);
	le32(f, cd_start);
	le16(f, 0);
	free(off);
	free(crc);
	if (ferror(f) | (fclose(f) != 0) || bad)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir el zip",
		               "cannot write the zip");
	return OB_OK;
}
