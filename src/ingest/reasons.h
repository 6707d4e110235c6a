/*
 * reasons.h - why the rows of a delivery were rejected or warned, counted by
 * a stable key.
 *
 * Every rejection and every warning of an ingest has a kind, a short stable
 * key ("category_unknown", "date_invalid": OB_REASON_KINDS below), and the
 * column of the file it is about. A tally counts them by (kind, column),
 * never by the message text, which carries the value: a thousand unknown
 * categories in one column are one reason with a count of a thousand and a
 * few example values. The ingest report shows the most frequent reasons
 * (ob_reasons_top), the logbook keeps every count (ob_reasons_json), and
 * the quarantine and warning tables keep the kind of each row, so that
 * "observa quarantine --reason KIND" lists them.
 *
 * Ownership: a tally owns its keys and entries (ob_reasons_release); a
 * struct ob_reason is plain data, copied out.
 */
#ifndef OB_REASONS_H
#define OB_REASONS_H

#include "base/buf.h"
#include "base/common.h"
#include "base/strmap.h"
#include "io/json.h"

/* kind, its key, and what it means in Spanish and in English */
#define OB_REASON_KINDS(X)                                                                   \
	X(FIELD_COUNT, "field_count", "la fila no tiene tantos campos como el encabezado",         \
	  "the row has not as many fields as the header")                                          \
	X(EXTRA_TOO_LONG, "extra_too_long", "columnas sin asignar demasiado largas",               \
	  "unmapped columns too long")                                                             \
	X(COUNT_MISSING, "count_missing", "falta el número de víctimas", "the count is empty")    \
	X(COUNT_INVALID, "count_invalid", "número de víctimas no válido", "invalid count")        \
	X(COUNT_TOO_LARGE, "count_too_large", "número de víctimas demasiado grande",              \
	  "count too large")                                                                       \
	X(ID_MISSING, "id_missing", "falta el identificador del caso", "the case id is missing") \
	X(ID_TOO_LONG, "id_too_long", "identificador demasiado largo", "case id too long")        \
	X(ID_DUPLICATE, "id_duplicate", "identificador repetido en el archivo",                   \
	  "case id given twice in the file")                                                       \
	X(CELL_DUPLICATE, "cell_duplicate", "celda agregada repetida en el archivo",              \
	  "aggregate cell given twice in the file")                                                \
	X(DATE_MISSING, "date_missing", "falta la fecha del hecho", "the date is missing")        \
	X(DATE_INVALID, "date_invalid", "fecha no válida", "invalid date")                        \
	X(DATE_FUTURE, "date_future", "fecha futura", "date in the future")                       \
	X(DATE_OUTSIDE, "date_outside_period", "fecha fuera del periodo del envío",               \
	  "date outside the delivery's period")                                                    \
	X(TERRITORY_CODE_UNKNOWN, "territory_code_unknown", "código de municipio desconocido",    \
	  "unknown municipality code")                                                             \
	X(TERRITORY_CODE_NOT_VALID, "territory_code_not_valid",                                   \
	  "código de municipio no vigente en la fecha del hecho",                                  \
	  "municipality code not in force on the date")                                            \
	X(TERRITORY_MISSING, "territory_missing", "falta el municipio",                           \
	  "the municipality is missing")                                                           \
	X(TERRITORY_INVALID, "territory_invalid", "nombre de municipio no válido",                \
	  "invalid municipality name")                                                             \
	X(TERRITORY_AMBIGUOUS, "territory_ambiguous", "municipio ambiguo", "ambiguous municipality") \
	X(TERRITORY_NOT_VALID, "territory_not_valid", "municipio no vigente en la fecha del hecho", \
	  "municipality not in force on the date")                                                 \
	X(TERRITORY_UNKNOWN, "territory_unknown", "municipio desconocido en el catálogo",         \
	  "municipality not in the catalogue")                                                     \
	X(TERRITORY_SUCCEEDED, "territory_succeeded",                                             \
	  "unidad que ya no existía: se asigna a su sucesora",                                     \
	  "unit no longer in existence: assigned to its successor")                                \
	X(CATEGORY_MISSING, "category_missing", "falta la categoría del delito",                  \
	  "the crime category is missing")                                                         \
	X(CATEGORY_UNKNOWN, "category_unknown",                                                   \
	  "categoría desconocida: ni está en el cruce ni es un código ICCS",                       \
	  "unknown category: neither in the crosswalk nor an ICCS code")                           \
	X(AGE_INVALID, "age_invalid", "edad no válida", "invalid age")                            \
	X(AGE_RANGE, "age_range", "edad dada como rango: se guarda el extremo inferior",          \
	  "age given as a range: its lower end is kept")                                           \
	X(AGE_GROUP_UNMAPPED, "age_group_unmapped",                                               \
	  "grupo de edad no reconocido: se registra como desconocido",                             \
	  "age group not recognised: recorded as unknown")                                         \
	X(AGE_OUTSIDE_GROUP, "age_outside_group", "edad fuera de su grupo de edad: vale la edad", \
	  "age outside its age group: the age is kept")                                            \
	X(TAG_UNMAPPED, "tag_unmapped", "valor que no está en el cruce: se registra como desconocido", \
	  "value not in the crosswalk: recorded as unknown")                                       \
	X(TIME_INVALID, "time_invalid", "hora no reconocida: se deja vacía",                      \
	  "time not recognised: left empty")                                                       \
	X(COORDS_INVALID, "coords_invalid", "coordenadas no válidas: se dejan vacías",            \
	  "invalid coordinates: left empty")                                                       \
	X(ENCODING, "encoding", "el archivo no está en la codificación del perfil",               \
	  "the file is not in the profile's encoding")

enum ob_reason_kind {
#define OB_REASON_ENUM(name, key, es, en) OB_REASON_##name,
	OB_REASON_KINDS(OB_REASON_ENUM)
#undef OB_REASON_ENUM
	OB_REASON_COUNT
};

/* The stable key of a kind ("category_unknown"). */
const char *ob_reason_key(enum ob_reason_kind k);

/* What a kind means, in the language in force; a key no kind has (a store
 * written by a later observa) is given back as it is. */
const char *ob_reason_text(const char *key);
/* The same in the language given (for a server answering in both). */
const char *ob_reason_text_in(const char *key, bool english);

/* One reason of a tally, as a report shows it. */
struct ob_reason {
	char kind[32];                  /* the stable key */
	char field[32];                 /* canonical field key, "" when none */
	long column;                    /* 1-based column of the file, 0 when none */
	char column_name[OB_MAX_REASON_TEXT]; /* the header cell, "" when none */
	long long count;
	size_t nexamples;               /* distinct values, in the order met */
	char example[OB_MAX_REASON_EXAMPLES][OB_MAX_REASON_TEXT];
};

struct ob_reasons {
	struct ob_strmap index;  /* "kind column" -> entry number + 1 */
	struct ob_reason *v;
	size_t n, cap;
	long long total;         /* every reason added */
	long long other;         /* added past OB_MAX_REASON_KEYS keys: counted, not kept */
};

void ob_reasons_init(struct ob_reasons *t);
void ob_reasons_release(struct ob_reasons *t);

/*
 * Count one reason: its kind's key, the field it is about (NULL: none),
 * its column (0: none) and the value (NULL: none; cut to
 * OB_MAX_REASON_TEXT - 1 bytes, at a UTF-8 boundary). The first
 * OB_MAX_REASON_EXAMPLES distinct values of a key are kept as examples.
 */
void ob_reasons_add(struct ob_reasons *t, const char *kind, const char *field, long column,
                    const char *value, size_t n);

/* Copy the n most frequent reasons into out, by count, then kind, then
 * column; returns how many were copied. */
size_t ob_reasons_top(const struct ob_reasons *t, struct ob_reason *out, size_t n);

/* The whole tally as a JSON object, most frequent first, for the logbook:
 * {"category_unknown:5":12,"date_invalid:2":3}; "{}" when empty. */
ob_err ob_reasons_json(const struct ob_reasons *t, struct ob_buf *b);

/* Reasons as a JSON array of objects: kind, text (in the language in
 * force), field, column, column_name, count, examples. */
void ob_reasons_array(struct ob_jw *j, const struct ob_reason *v, size_t n);

#endif
