/*
 * xml_lib.h - libxml2, loaded the first time a workbook (.xlsx) is read instead
 * of when observa starts.
 *
 * Linked at build time, libxml2 brings ICU (its data alone is a 30 MB
 * library) into every command. Only io/xlsx.c reads XML; it includes this
 * header and calls through the table ob_xml() gives, filled by
 * ob_xml_load() before a workbook is opened.
 *
 * The table holds a pointer of each function's own type, from the
 * library's header, so a call through it is checked as a direct call is
 * (base/dynlib.h). Every function io/xlsx.c calls is listed below and
 * redefined as a call through the table: a function missing from the list
 * is a link error, not a silent direct call.
 */
#ifndef OB_IO_XML_LIB_H
#define OB_IO_XML_LIB_H

#include "base/common.h"

#include <libxml/xmlreader.h>

/* X(library, function): every function called. */
#define OB_XML_FUNCS(X) \
	X(xml2, xmlFreeTextReader)                             \
	X(xml2, xmlReaderForIO)                                \
	X(xml2, xmlTextReaderConstLocalName)                   \
	X(xml2, xmlTextReaderConstValue)                       \
	X(xml2, xmlTextReaderDepth)                            \
	X(xml2, xmlTextReaderIsEmptyElement)                   \
	X(xml2, xmlTextReaderMoveToElement)                    \
	X(xml2, xmlTextReaderMoveToFirstAttribute)             \
	X(xml2, xmlTextReaderMoveToNextAttribute)              \
	X(xml2, xmlTextReaderNodeType)                         \
	X(xml2, xmlTextReaderRead)                             \
	X(xml2, xmlTextReaderSetStructuredErrorHandler)

struct ob_xml_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_XML_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_xml_load(struct ob_diag *d);

/* The table; only after ob_xml_load() succeeded. */
const struct ob_xml_lib *ob_xml(void);

/* The calls of the files that include this header go through the table
 * (all but the loader's own, which names the functions). */
#ifndef OB_XML_LIB_IMPL
#define xmlFreeTextReader (ob_xml()->xmlFreeTextReader)
#define xmlReaderForIO (ob_xml()->xmlReaderForIO)
#define xmlTextReaderConstLocalName (ob_xml()->xmlTextReaderConstLocalName)
#define xmlTextReaderConstValue (ob_xml()->xmlTextReaderConstValue)
#define xmlTextReaderDepth (ob_xml()->xmlTextReaderDepth)
#define xmlTextReaderIsEmptyElement (ob_xml()->xmlTextReaderIsEmptyElement)
#define xmlTextReaderMoveToElement (ob_xml()->xmlTextReaderMoveToElement)
#define xmlTextReaderMoveToFirstAttribute (ob_xml()->xmlTextReaderMoveToFirstAttribute)
#define xmlTextReaderMoveToNextAttribute (ob_xml()->xmlTextReaderMoveToNextAttribute)
#define xmlTextReaderNodeType (ob_xml()->xmlTextReaderNodeType)
#define xmlTextReaderRead (ob_xml()->xmlTextReaderRead)
#define xmlTextReaderSetStructuredErrorHandler (ob_xml()->xmlTextReaderSetStructuredErrorHandler)
#endif

#endif
