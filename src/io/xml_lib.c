/* xml_lib.c - libxml2 loaded on first use
 * (io/xml_lib.h). */
#define OB_XML_LIB_IMPL
#include "io/xml_lib.h"

#include "base/dynlib.h"

enum { LIB_xml2 };
static const struct ob_dynlib_lib libs[] = {
	[LIB_xml2] = { "libxml2.so.2", "libxml2" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_xml_lib, fn) },
	OB_XML_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_xml_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "la biblioteca XML",
                                            "the XML library");

ob_err ob_xml_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_xml_lib *ob_xml(void)
{
	return &table;
}
