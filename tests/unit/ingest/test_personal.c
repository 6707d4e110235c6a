/* test_personal.c - which header cells name personal data: the ways
 * exports spell names, documents, addresses, telephones and dates of birth,
 * and the columns that only look like them. */
#include "test.h"

#include "base/buf.h"
#include "ingest/personal.h"
#include "text/text.h"

static const struct {
	const char *header; /* as written in a file */
	enum ob_personal want;
} cases[] = {
	/* names, however spelled */
	{ "Nombre", OB_PERSONAL_NAME },
	{ "Nombres", OB_PERSONAL_NAME },
	{ "Nombre victima", OB_PERSONAL_NAME },
	{ "Nombre víctima", OB_PERSONAL_NAME },
	{ "NOMBRE DE LA VÍCTIMA", OB_PERSONAL_NAME },
	{ "Nombre completo", OB_PERSONAL_NAME },
	{ "Nombres y apellidos", OB_PERSONAL_NAME },
	{ "Apellidos", OB_PERSONAL_NAME },
	{ "Primer apellido", OB_PERSONAL_NAME },
	{ "apellido_2", OB_PERSONAL_NAME },
	{ "NombreVictima", OB_PERSONAL_NAME },
	{ "nombre1", OB_PERSONAL_NAME },
	{ "Nombre del agresor", OB_PERSONAL_NAME },
	{ "Nombre del imputado", OB_PERSONAL_NAME },
	{ "Victim name", OB_PERSONAL_NAME },
	{ "Name", OB_PERSONAL_NAME },
	{ "Surname", OB_PERSONAL_NAME },
	{ "First name", OB_PERSONAL_NAME },
	{ "Alias", OB_PERSONAL_NAME },
	{ "Apodo", OB_PERSONAL_NAME },
	/* identity documents */
	{ "DUI", OB_PERSONAL_DOCUMENT },
	{ "No. DUI", OB_PERSONAL_DOCUMENT },
	{ "DPI", OB_PERSONAL_DOCUMENT },
	{ "Cédula", OB_PERSONAL_DOCUMENT },
	{ "Número de cédula", OB_PERSONAL_DOCUMENT },
	{ "Documento", OB_PERSONAL_DOCUMENT },
	{ "Documento de identidad", OB_PERSONAL_DOCUMENT },
	{ "No. de identificación", OB_PERSONAL_DOCUMENT },
	{ "Pasaporte", OB_PERSONAL_DOCUMENT },
	{ "ID number", OB_PERSONAL_DOCUMENT },
	{ "NIT", OB_PERSONAL_DOCUMENT },
	/* addresses */
	{ "Dirección", OB_PERSONAL_ADDRESS },
	{ "DIRECCION", OB_PERSONAL_ADDRESS },
	{ "Dirección de la víctima", OB_PERSONAL_ADDRESS },
	{ "Dirección del lugar del hecho", OB_PERSONAL_ADDRESS },
	{ "Domicilio", OB_PERSONAL_ADDRESS },
	{ "Address", OB_PERSONAL_ADDRESS },
	{ "Residencia", OB_PERSONAL_ADDRESS },
	/* telephones, e-mail, birth */
	{ "Teléfono", OB_PERSONAL_PHONE },
	{ "Tel\xC3\xA9" "fono de contacto", OB_PERSONAL_PHONE },
	{ "Celular", OB_PERSONAL_PHONE },
	{ "Phone number", OB_PERSONAL_PHONE },
	{ "Correo electrónico", OB_PERSONAL_EMAIL },
	{ "E-mail", OB_PERSONAL_EMAIL },
	{ "Fecha de nacimiento", OB_PERSONAL_BIRTH },
	{ "Fecha nac.", OB_PERSONAL_BIRTH },
	{ "Date of birth", OB_PERSONAL_BIRTH },
	{ "DOB", OB_PERSONAL_BIRTH },
	/* not personal: the columns of every export */
	{ "Nombre del municipio", OB_PERSONAL_NONE },
	{ "NOMBRE DEL DEPARTAMENTO", OB_PERSONAL_NONE },
	{ "Nombre del delito", OB_PERSONAL_NONE },
	{ "Nombre de la unidad", OB_PERSONAL_NONE },
	{ "Nombre del municipio de la víctima", OB_PERSONAL_NONE },
	{ "Nombre del lugar", OB_PERSONAL_NONE },
	{ "Area name", OB_PERSONAL_NONE },
	{ "File name", OB_PERSONAL_NONE },
	{ "Tipo de documento", OB_PERSONAL_NONE },
	{ "Documento del caso", OB_PERSONAL_NONE },
	{ "Dirección regional", OB_PERSONAL_NONE },
	{ "Dirección general", OB_PERSONAL_NONE },
	{ "Teléfono de la unidad", OB_PERSONAL_NONE },
	{ "Municipio de residencia", OB_PERSONAL_NONE },
	{ "Lugar de nacimiento", OB_PERSONAL_NONE },
	{ "País de nacimiento", OB_PERSONAL_NONE },
	{ "Móvil", OB_PERSONAL_NONE },
	{ "Movil del hecho", OB_PERSONAL_NONE },
	{ "No. Caso", OB_PERSONAL_NONE },
	{ "Case ID", OB_PERSONAL_NONE },
	{ "Identificador", OB_PERSONAL_NONE },
	{ "Correlativo", OB_PERSONAL_NONE },
	{ "Fecha del hecho", OB_PERSONAL_NONE },
	{ "Municipio", OB_PERSONAL_NONE },
	{ "Departamento", OB_PERSONAL_NONE },
	{ "Sexo de la víctima", OB_PERSONAL_NONE },
	{ "Edad", OB_PERSONAL_NONE },
	{ "Arma", OB_PERSONAL_NONE },
	{ "Relación víctima-victimario", OB_PERSONAL_NONE },
	{ "Nacionalidad", OB_PERSONAL_NONE },
	{ "Nombramiento", OB_PERSONAL_NONE },
	{ "Observaciones", OB_PERSONAL_NONE },
	{ "", OB_PERSONAL_NONE },
};

static void detector(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_buf k = OB_BUF_INIT(1024);
		enum ob_personal got;

		assert_int_equal(ob_fold_key(cases[i].header, strlen(cases[i].header), &k), OB_OK);
		got = ob_personal_column(k.ptr ? k.ptr : "", k.len);
		if (got != cases[i].want)
			fail_msg("«%s» (folded «%s»): got %s, want %s", cases[i].header,
			         k.ptr ? k.ptr : "", ob_personal_name_es(got),
			         ob_personal_name_es(cases[i].want));
		ob_buf_release(&k);
	}
}

static void protected_fields(void **state)
{
	(void)state;
	assert_int_equal(ob_personal_field(OB_PERSONAL_NAME), OB_F_NAMES);
	assert_int_equal(ob_personal_field(OB_PERSONAL_DOCUMENT), OB_F_DOCUMENT);
	assert_int_equal(ob_personal_field(OB_PERSONAL_ADDRESS), OB_F_ADDRESS);
	assert_int_equal(ob_personal_field(OB_PERSONAL_PHONE), OB_F_COUNT);
	assert_int_equal(ob_personal_field(OB_PERSONAL_BIRTH), OB_F_COUNT);
	assert_int_equal(ob_personal_field(OB_PERSONAL_NONE), OB_F_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detector),
		cmocka_unit_test(protected_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
