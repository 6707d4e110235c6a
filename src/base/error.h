/*
 * error.h - observa's error codes, their names and their messages.
 *
 * One X-macro table yields the enum, the symbolic names and the messages in
 * Spanish and English. Functions that can fail return an ob_err (0 = OB_OK)
 * and, where a person must act on it, fill an ob_diag with where and why.
 */
#ifndef OB_ERROR_H
#define OB_ERROR_H

#include "base/lang.h"

#include <stdarg.h>
#include <stddef.h>

#define OB_ERRNO_MAP(X)                                                        \
	X(OK, "correcto", "ok")                                                 \
	X(NOMEM, "memoria agotada", "out of memory")                            \
	X(IO, "error de entrada/salida", "input/output error")                  \
	X(NOENT, "no existe", "no such file or object")                         \
	X(INVAL, "valor no válido", "invalid value")                            \
	X(TOOBIG, "excede el límite", "exceeds a limit")                        \
	X(PARSE, "error de formato", "malformed input")                         \
	X(ENCODING, "codificación no válida", "invalid encoding")               \
	X(EMPTY, "archivo vacío", "empty file")                                 \
	X(NOHEADER, "no se encontró el encabezado", "header row not found")     \
	X(DUPCOL, "columna duplicada", "duplicated column")                     \
	X(NOCOL, "falta una columna obligatoria", "required column missing")    \
	X(STORE, "error del almacén", "store error")                            \
	X(SCHEMA, "versión de esquema incompatible", "incompatible schema")     \
	X(EXISTS, "ya existe", "already exists")                                \
	X(NOSOURCE, "fuente desconocida", "unknown source")                     \
	X(PERIOD, "periodo fuera de lo declarado", "file for the wrong period") \
	X(USAGE, "uso incorrecto", "usage error")                               \
	X(INTERRUPTED, "interrumpido", "interrupted")                           \
	X(NOFIT, "el modelo no tiene un ajuste finito", "the model has no finite fit") \
	X(CORRUPT, "archivo dañado", "corrupt file")                            \
	X(PERSONAL, "columnas personales sin proteger", "unprotected personal columns") \
	X(OVERLAP, "periodo solapado con otro envío", "period overlaps another submission") \
	X(TIMEDOUT, "se agotó el tiempo", "time limit reached")                 \
	X(CANCELED, "cancelado", "canceled")

typedef enum {
#define OB_ERR_ENUM(name, es, en) OB_E##name,
	OB_ERRNO_MAP(OB_ERR_ENUM)
#undef OB_ERR_ENUM
	OB_E_COUNT
} ob_err;

#define OB_OK OB_EOK

/* "OB_EPARSE" style symbolic name of an error code. */
const char *ob_err_name(ob_err e);

/* Message in Spanish (the default language) or English; ob_err_text() in
 * the language in force (base/lang.h). */
const char *ob_err_msg(ob_err e);
const char *ob_err_msg_en(ob_err e);
const char *ob_err_text(ob_err e);

/*
 * Where and why an input was refused: filled by parsers and validators,
 * printed as "file:line:column: message (valor «...»)" in Spanish and
 * "... (value «...»)" in English.
 * Strings are copied in; an ob_diag owns no heap memory.
 */
struct ob_diag {
	ob_err code;
	char file[256];
	long line;    /* 1-based; 0 when not about a line */
	long column;  /* 1-based; 0 when not about a column */
	char value[128];
	char message[512];       /* in the language in force when it was made */
	char message_other[512]; /* the same in the other language; "" when the
	                            message is the same in both (ob_diag_set) */
	enum ob_lang lang;       /* the language of message */
};

void ob_diag_clear(struct ob_diag *d);

/* Set all fields of d; value may be NULL. Returns code. */
ob_err ob_diag_set(struct ob_diag *d, ob_err code, const char *file, long line,
                   long column, const char *value, size_t value_len,
                   const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/*
 * ob_diag_set() with the message written in Spanish and in English, both
 * kept: message in the language in force (base/lang.h), message_other in
 * the other, so that an answer that carries both (the API's message and
 * message_en) can give each. Every diagnostic a person reads is made this
 * way; the compiler checks both formats against the arguments.
 *
 *   return OB_DIAG(d, OB_EINVAL, name, line, col, v, n,
 *                  "se esperaba un número", "expected a number");
 */
ob_err ob_diag_set2(struct ob_diag *d, ob_err code, const char *file, long line, long column,
                    const char *value, size_t value_len, const char *es, const char *en, ...)
	__attribute__((format(printf, 8, 10), format(printf, 9, 10)));
#define OB_DIAG(d, code, file, line, column, value, value_len, es, en, ...) \
	ob_diag_set2(d, code, file, line, column, value, value_len, es, en, ##__VA_ARGS__)
/* ob_diag_set2() with both texts already written out (no format): for a
 * message put together in pieces. */
ob_err ob_diag_set_texts(struct ob_diag *d, ob_err code, const char *file, long line,
                         long column, const char *value, size_t value_len, const char *es,
                         const char *en);
/* ob_diag_set2() for a parser's own error helper that takes both texts and
 * their arguments: ap serves both formats (it is copied, not consumed). */
ob_err ob_diag_vset2(struct ob_diag *d, ob_err code, const char *file, long line, long column,
                     const char *value, size_t value_len, const char *es, const char *en,
                     va_list ap) __attribute__((format(printf, 8, 0), format(printf, 9, 0)));

/* Format d as one line into out (always NUL-terminated), in the language
 * in force; ob_diag_format_lang() in the language lang. */
void ob_diag_format(const struct ob_diag *d, char *out, size_t size);
void ob_diag_format_lang(const struct ob_diag *d, enum ob_lang lang, char *out, size_t size);

#endif
