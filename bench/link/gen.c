/*
 * gen.c - synthetic death records of one population in three sources, with
 * the truth, for bench/link. Deterministic: the same N and seed give the
 * same files, byte for byte.
 *
 *   gen N OUTDIR [SEED]
 *
 * Writes about N records in all to OUTDIR/policia.csv, forense.csv and
 * salud.csv, OUTDIR/truth.csv (file,id,person) and OUTDIR/units.csv
 * (code,parent: 1,120 municipalities in 32 departments).
 *
 * Each person (a death between 2015 and 2024) is recorded by the police
 * with probability 0.85, by forensic medicine with 0.80 and by the health
 * ministry with 0.72 (at least by one). Each source writes its own copy with
 * its own errors: typos, spelling variants (Z/S, V/B, Y/I, a silent H, LL/Y),
 * a compound given name cut to its first part, a missing or swapped second
 * surname, both surnames in one column, the date a few days off, the age a
 * year or more off, a neighbouring municipality, missing values; and its own
 * style (police: upper case without accents; forensic: upper case with
 * accents; health: title case with accents). About 0.8% of a source's
 * records are entered twice. Names follow a Zipf-like frequency, with a
 * long tail of rare surnames, so that namesakes occur as in real data.
 */
#include "base/common.h"

#include <math.h>

static const char *const given_names[] = {
	"JOSÉ", "MARÍA", "JUAN", "LUIS", "CARLOS", "JORGE", "ANA", "MIGUEL", "ROSA", "PEDRO",
	"FRANCISCO", "ANTONIO", "MANUEL", "JESÚS", "ANDRÉS", "DANIEL", "DAVID", "ALEJANDRO",
	"FERNANDO", "RICARDO", "EDUARDO", "JAVIER", "SERGIO", "ÓSCAR", "RAÚL", "MARIO",
	"ROBERTO", "ALBERTO", "RAFAEL", "VÍCTOR", "HÉCTOR", "JULIO", "CÉSAR", "RUBÉN", "HUGO",
	"ÁNGEL", "DIEGO", "PABLO", "SANTIAGO", "SEBASTIÁN", "MATEO", "NICOLÁS", "SAMUEL",
	"GABRIEL", "ADRIÁN", "CRISTIAN", "KEVIN", "BRAYAN", "JHON", "WILLIAM", "EDGAR",
	"NELSON", "WILSON", "FREDY", "JAIRO", "ÉDGAR", "HERNÁN", "ÁLVARO", "GUSTAVO", "ENRIQUE",
	"ARTURO", "ERNESTO", "ORLANDO", "RODRIGO", "GERMÁN", "IVÁN", "FABIO", "WALTER",
	"ELKIN", "DUVÁN", "YEISON", "JEFFERSON", "ESTEBAN", "FELIPE", "CAMILO", "JULIÁN",
	"MAURICIO", "GIOVANNY", "ALEXANDER", "EDWIN", "DARÍO", "GILBERTO", "RAMÓN", "TOMÁS",
	"ISMAEL", "ABEL", "SAÚL", "ELÍAS", "ISAAC", "BENJAMÍN", "EMILIO", "ALFONSO",
	"GUILLERMO", "LEONARDO", "MARCOS", "MARTÍN", "IGNACIO", "AGUSTÍN", "SALVADOR",
	"CARMEN", "LUZ", "MARTHA", "GLORIA", "BLANCA", "SANDRA", "PATRICIA", "CLAUDIA",
	"DIANA", "PAOLA", "ANDREA", "CAROLINA", "ALEJANDRA", "NATALIA", "LAURA", "VALENTINA",
	"DANIELA", "CAMILA", "SOFÍA", "ISABEL", "TERESA", "ELENA", "BEATRIZ", "YOLANDA",
	"GLADYS", "NANCY", "MARLENE", "ESPERANZA", "ROCÍO", "PILAR", "LUCÍA", "ELIZABETH",
	"JENNIFER", "KAREN", "LEIDY", "YURI", "ADRIANA", "ÁNGELA", "MÓNICA", "LILIANA",
	"VERÓNICA", "XIMENA", "JIMENA", "MARGARITA", "SILVIA", "NORMA", "IRMA", "DORA",
	"ALBA", "OLGA", "INÉS", "RUTH", "ESTHER", "SARA", "RAQUEL", "MIRIAM", "JULIANA",
	"MARIANA", "GABRIELA", "FERNANDA", "ESTEFANÍA", "MARISOL", "ARACELY", "GUADALUPE",
	"DOLORES", "CONCEPCIÓN", "ROSARIO", "AMPARO", "LETICIA", "LORENA", "CATALINA",
};

static const char *const surnames[] = {
	"HERNÁNDEZ", "GARCÍA", "RODRÍGUEZ", "LÓPEZ", "MARTÍNEZ", "GONZÁLEZ", "PÉREZ", "SÁNCHEZ",
	"RAMÍREZ", "FLORES", "GÓMEZ", "DÍAZ", "TORRES", "RIVERA", "CRUZ", "MORALES", "REYES",
	"JIMÉNEZ", "RUIZ", "ÁLVAREZ", "MENDOZA", "CASTILLO", "ROMERO", "HERRERA", "MEDINA",
	"AGUILAR", "VARGAS", "CASTRO", "GUZMÁN", "VÁSQUEZ", "MUÑOZ", "ROJAS", "ORTIZ",
	"CHÁVEZ", "RAMOS", "RUBIO", "MORENO", "SUÁREZ", "GUTIÉRREZ", "OSORIO", "CARDONA",
	"RESTREPO", "ZAPATA", "MEJÍA", "GIRALDO", "ARANGO", "JARAMILLO", "VÉLEZ", "OSPINA",
	"MARÍN", "GALLEGO", "LONDOÑO", "QUINTERO", "BETANCUR", "MONTOYA", "AGUDELO", "VALENCIA",
	"CORREA", "SALAZAR", "HENAO", "BEDOYA", "ESCOBAR", "ARIAS", "SIERRA", "URIBE", "PATIÑO",
	"ACEVEDO", "CÁRDENAS", "QUIÑÓNEZ", "MOSQUERA", "CASTAÑO", "IBÁÑEZ", "NÚÑEZ", "ZÚÑIGA",
	"PEÑA", "BARRIOS", "BENÍTEZ", "CAMPOS", "CONTRERAS", "DOMÍNGUEZ", "ESPINOZA", "FIGUEROA",
	"FUENTES", "GUERRERO", "LARA", "LEÓN", "LUNA", "MALDONADO", "MARQUEZ", "MEJÍAS",
	"MIRANDA", "MOLINA", "NAVARRO", "OCHOA", "ORELLANA", "PACHECO", "PADILLA", "PALACIOS",
	"PAREDES", "PINEDA", "PONCE", "QUIROGA", "RÍOS", "ROSALES", "SALINAS", "SANDOVAL",
	"SANTOS", "SERRANO", "SOLÍS", "SOTO", "TAPIA", "TOLEDO", "VALDEZ", "VALDIVIA", "VEGA",
	"VELÁSQUEZ", "VILLALOBOS", "VILLANUEVA", "ZAMORA", "ZELAYA", "ALVARADO", "ARÉVALO",
	"AYALA", "BONILLA", "CALDERÓN", "CAMPOS", "CANALES", "CARRANZA", "CERÓN", "CORTEZ",
	"DURÁN", "ESCOBAR", "ESTRADA", "FUNES", "GALDÁMEZ", "GÁLVEZ", "GUARDADO", "HENRÍQUEZ",
	"LANDAVERDE", "LEMUS", "MELÉNDEZ", "MONTERROSA", "MURCIA", "PORTILLO", "QUINTANILLA",
	"RECINOS", "ROQUE", "SERMEÑO", "TREJO", "URBINA", "ZEPEDA", "ARGUETA", "BATRES",
	"DE LA CRUZ", "DEL CID", "DE LEÓN", "DE LOS SANTOS", "DEL VALLE", "DE JESÚS",
	"ARBOLEDA", "MESA", "DUQUE", "POSADA", "OCAMPO", "LOAIZA", "SERNA", "VILLA", "TABARES",
	"TOBÓN", "USUGA", "VANEGAS", "YEPES", "ZULUAGA", "BUSTAMANTE", "CADAVID", "ECHEVERRI",
	"GAVIRIA", "HOYOS", "ISAZA", "LOPERA", "MADRID", "NARANJO", "OROZCO", "PALACIO",
	"QUICENO", "RENDÓN", "SEPÚLVEDA", "TAMAYO", "VILLEGAS", "YARCE", "ÁLZATE", "BOTERO",
	"CARMONA", "DAVID", "ESPINOSA", "FRANCO", "GÓEZ", "HIGUITA", "IDÁRRAGA", "LLANOS",
};

/* splitmix64 */
static uint64_t rs;
static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static size_t below(size_t n)
{
	return (size_t)(unif() * (double)n);
}

/* Zipf-like choice: cumulative weights 1/(k+1)^s. */
struct zipf {
	size_t n;
	double *cum;
};

static void zipf_init(struct zipf *z, size_t n, double s)
{
	double acc = 0;
	z->n = n;
	z->cum = malloc(n * sizeof(double));
	for (size_t k = 0; k < n; k++) {
		acc += pow((double)(k + 1), -s);
		z->cum[k] = acc;
	}
	for (size_t k = 0; k < n; k++)
		z->cum[k] /= acc;
}

static size_t zipf_pick(const struct zipf *z)
{
	double u = unif();
	size_t lo = 0, hi = z->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (z->cum[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A rare surname made of syllables (the long tail). */
static void rare_surname(char *out, size_t size)
{
	static const char *const syl[] = { "BA", "CA", "DA", "GA", "LA", "MA", "NA", "RA", "SA",
	                                   "TA", "VA", "ZA", "BE", "CE", "DE", "GUE", "LE", "ME",
	                                   "NE", "RE", "SE", "TE", "VE", "BI", "CI", "DI", "GI",
	                                   "LI", "MI", "NI", "RI", "SI", "TI", "BO", "CO", "DO",
	                                   "GO", "LO", "MO", "NO", "RO", "SO", "TO", "BU", "CU",
	                                   "DU", "GU", "LU", "MU", "NU", "RU", "SU", "TU", "QUI",
	                                   "CHA", "LLA", "RRA", "LLO", "CHO", "ÑO" };
	static const char *const end[] = { "", "N", "S", "R", "L", "Z", "NO", "DA", "RA", "LES" };
	size_t n = 2 + below(2), len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s", syl[below(sizeof(syl) / sizeof(*syl))]);
	snprintf(out + len, size - len, "%s", end[below(sizeof(end) / sizeof(*end))]);
}

struct person {
	char given[48];   /* one or two given names */
	char sur1[40], sur2[40];
	char sex;
	int death;        /* days since 2015-01-01 */
	int age;
	int dept, mun;
	int mech;
};

#define NDEPT 32
#define NMUN 35
static const char *const mechs[] = { "ARMA DE FUEGO", "ARMA BLANCA", "CONTUNDENTE",
                                     "ESTRANGULAMIENTO", "OTRO" };

static void date_str(int day, char *out, size_t size, int style)
{
	/* civil date from days since 2015-01-01 */
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 2015, m = 0;
	while (day < 0) {
		y--;
		day += (y % 4 == 0) ? 366 : 365;
	}
	for (;;) {
		int yl = (y % 4 == 0) ? 366 : 365;
		if (day < yl)
			break;
		day -= yl;
		y++;
	}
	for (;;) {
		int ml = mdays[m] + (m == 1 && y % 4 == 0);
		if (day < ml)
			break;
		day -= ml;
		m++;
	}
	if (style == 0)
		snprintf(out, size, "%02d/%02d/%04d", day + 1, m + 1, y);
	else
		snprintf(out, size, "%04d-%02d-%02d", y, m + 1, day + 1);
}

/* UTF-8 upper-case Spanish letters and their plain and lower forms. */
static const char *const acc_up[] = { "Á", "É", "Í", "Ó", "Ú", "Ü", "Ñ" };
static const char *const acc_plain[] = { "A", "E", "I", "O", "U", "U", "N" };
static const char *const acc_low[] = { "á", "é", "í", "ó", "ú", "ü", "ñ" };

/* style 0: upper, no accents; 1: upper with accents; 2: title case */
static void styled(const char *s, int style, char *out, size_t size)
{
	size_t o = 0;
	bool word_start = true;
	while (*s && o + 4 < size) {
		bool done = false;
		for (size_t k = 0; k < 7 && !done; k++) {
			size_t n = strlen(acc_up[k]);
			if (!strncmp(s, acc_up[k], n)) {
				const char *rep = style == 0 ? acc_plain[k] : (style == 2 && !word_start)
				                                               ? acc_low[k] : acc_up[k];
				o += (size_t)snprintf(out + o, size - o, "%s", rep);
				s += n;
				word_start = false;
				done = true;
			}
		}
		if (done)
			continue;
		if (style == 2 && !word_start && *s >= 'A' && *s <= 'Z')
			out[o++] = (char)(*s - 'A' + 'a');
		else
			out[o++] = *s;
		word_start = *s == ' ';
		s++;
	}
	out[o] = '\0';
}

/* One typing error on an ASCII-ish name (bytes >= 0x80 left alone). */
static void typo(char *s)
{
	size_t n = strlen(s), i;
	int kind = (int)below(4);
	if (n < 3)
		return;
	i = 1 + below(n - 2);
	if ((unsigned char)s[i] >= 0x80 || (unsigned char)s[i - 1] >= 0x80 ||
	    (unsigned char)s[i + 1] >= 0x80 || s[i] == ' ')
		return;
	switch (kind) {
	case 0: /* substitution */
		s[i] = (char)('A' + below(26));
		break;
	case 1: /* deletion */
		memmove(s + i, s + i + 1, n - i);
		break;
	case 2: /* transposition */
		if (s[i + 1] != ' ' && s[i + 1]) {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		}
		break;
	default: /* doubled letter */
		if (n + 2 < 40) {
			memmove(s + i + 1, s + i, n - i + 1);
		}
		break;
	}
}

/* One spelling variant, as clerks write names they hear. */
static void variant(char *s)
{
	static const char *const from[] = { "Z", "S", "V", "B", "LL", "Y", "H" };
	static const char *const to[] = { "S", "Z", "B", "V", "Y", "LL", "" };
	size_t k = below(7);
	char *p = k == 6 ? (s[0] == 'H' ? s : NULL) : strstr(s + 1, from[k]);
	char tmp[64];
	if (!p)
		return;
	snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - s), s, to[k], p + strlen(from[k]));
	snprintf(s, 40, "%.39s", tmp);
}

static void write_record(FILE *f, const char *idp, long id, const struct person *p, int src)
{
	char given[64], s1[48], s2[48], g1[64], a1[64], a2[64], date[32], age[16], mun[32], dep[16];
	int style = src; /* police 0, forensic 1, health 2 */
	double u;

	snprintf(given, sizeof(given), "%s", p->given);
	snprintf(s1, sizeof(s1), "%s", p->sur1);
	snprintf(s2, sizeof(s2), "%s", p->sur2);
	/* a compound given name cut to its first part */
	if (strchr(given, ' ') && unif() < 0.3)
		*strchr(given, ' ') = '\0';
	if (unif() < 0.04)
		typo(given);
	if (unif() < 0.04)
		typo(s1);
	if (unif() < 0.04)
		typo(s2);
	if (unif() < 0.05)
		variant(unif() < 0.5 ? s1 : s2);
	if (unif() < 0.02)
		variant(given);
	u = unif();
	if (u < 0.08) {
		s2[0] = '\0'; /* second surname missing */
	} else if (u < 0.11) {
		char t[48]; /* swapped */
		snprintf(t, sizeof(t), "%s", s1);
		snprintf(s1, sizeof(s1), "%s", s2);
		snprintf(s2, sizeof(s2), "%s", t);
	} else if (u < 0.14) {
		char t[96]; /* both in the first column */
		snprintf(t, sizeof(t), "%s %s", s1, s2);
		snprintf(s1, sizeof(s1), "%.47s", t);
		s2[0] = '\0';
	}
	styled(given, style, g1, sizeof(g1));
	styled(s1, style, a1, sizeof(a1));
	styled(s2, style, a2, sizeof(a2));
	/* date */
	u = unif();
	{
		int d = p->death;
		if (u < 0.80)
			;
		else if (u < 0.92)
			d += unif() < 0.5 ? -1 : 1;
		else if (u < 0.96)
			d += (unif() < 0.5 ? -1 : 1) * (int)(2 + below(2));
		else if (u < 0.98)
			d += (unif() < 0.5 ? -1 : 1) * (int)(4 + below(27));
		else
			d = -100000;
		if (d == -100000)
			date[0] = '\0';
		else
			date_str(d, date, sizeof(date), src == 1);
	}
	/* age */
	u = unif();
	if (u < 0.75)
		snprintf(age, sizeof(age), "%d", p->age);
	else if (u < 0.90)
		snprintf(age, sizeof(age), "%d", p->age + (unif() < 0.5 ? -1 : 1));
	else if (u < 0.96)
		snprintf(age, sizeof(age), "%d", p->age + (unif() < 0.5 ? -1 : 1) * (int)(2 + below(4)));
	else
		age[0] = '\0';
	/* territory */
	{
		int dept = p->dept, m = p->mun;
		u = unif();
		if (u < 0.88)
			;
		else if (u < 0.95)
			m = (int)below(NMUN);
		else if (u < 0.98)
			dept = -1;
		else {
			dept = (int)below(NDEPT);
			m = (int)below(NMUN);
		}
		if (dept < 0) {
			mun[0] = dep[0] = '\0';
		} else {
			snprintf(dep, sizeof(dep), "%02d", dept + 5);
			snprintf(mun, sizeof(mun), "%02d%03d", dept + 5, m + 1);
		}
	}
	{
		char sex = p->sex;
		const char *mech = mechs[p->mech];
		u = unif();
		if (u < 0.005)
			sex = sex == 'M' ? 'F' : 'M';
		else if (u < 0.015)
			sex = ' ';
		if (unif() < 0.10)
			mech = mechs[below(5)];
		fprintf(f, "%s-%07ld,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", idp, id, g1, a1, a2, date, age,
		        sex == 'M' ? "M" : sex == 'F' ? "F" : "", mun, dep, mech);
	}
}

int main(int argc, char **argv)
{
	static const char *const files[3] = { "policia.csv", "forense.csv", "salud.csv" };
	static const char *const prefix[3] = { "PNC", "IML", "MS" };
	static const double p_in[3] = { 0.85, 0.80, 0.72 };
	struct zipf zg, zs, zm;
	FILE *f[3], *truth, *units;
	char path[4096];
	long n, made = 0, ids[3] = { 0, 0, 0 };
	long person = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: gen N OUTDIR [SEED]\n");
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	rs = argc > 3 ? strtoull(argv[3], NULL, 10) : 20240101;
	zipf_init(&zg, sizeof(given_names) / sizeof(*given_names), 0.7);
	zipf_init(&zs, sizeof(surnames) / sizeof(*surnames), 0.7);
	zipf_init(&zm, NMUN, 1.0);
	for (int s = 0; s < 3; s++) {
		snprintf(path, sizeof(path), "%s/%s", argv[2], files[s]);
		if (!(f[s] = fopen(path, "w"))) {
			perror(path);
			return 1;
		}
		fprintf(f[s], "%s\n", s == 0 ? "caso,nombres,apellido1,apellido2,fecha_hecho,edad,"
		                               "sexo,municipio,departamento,arma"
		                  : s == 1 ? "caso,nombres,apellido1,apellido2,fecha_muerte,edad,"
		                             "sexo,municipio,departamento,mecanismo"
		                           : "caso,nombres,apellido1,apellido2,fecha_defuncion,edad,"
		                             "sexo,municipio,departamento,causa");
	}
	snprintf(path, sizeof(path), "%s/truth.csv", argv[2]);
	truth = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/units.csv", argv[2]);
	units = fopen(path, "w");
	if (!truth || !units) {
		perror(path);
		return 1;
	}
	fprintf(truth, "file,id,person\n");
	fprintf(units, "code,parent\n");
	for (int d = 0; d < NDEPT; d++)
		for (int m = 0; m < NMUN; m++)
			fprintf(units, "%02d%03d,%02d\n", d + 5, m + 1, d + 5);
	while (made < n) {
		struct person p;
		bool in[3];
		size_t g1 = zipf_pick(&zg);

		memset(&p, 0, sizeof(p));
		if (unif() < 0.3) {
			size_t g2 = zipf_pick(&zg);
			snprintf(p.given, sizeof(p.given), "%s %s", given_names[g1], given_names[g2]);
		} else {
			snprintf(p.given, sizeof(p.given), "%s", given_names[g1]);
		}
		if (unif() < 0.15)
			rare_surname(p.sur1, sizeof(p.sur1));
		else
			snprintf(p.sur1, sizeof(p.sur1), "%s", surnames[zipf_pick(&zs)]);
		if (unif() < 0.15)
			rare_surname(p.sur2, sizeof(p.sur2));
		else
			snprintf(p.sur2, sizeof(p.sur2), "%s", surnames[zipf_pick(&zs)]);
		p.sex = unif() < 0.88 ? 'M' : 'F';
		p.death = (int)below(3653);
		p.age = 15 + (int)(unif() * unif() * 70);
		p.dept = (int)below(NDEPT);
		p.mun = (int)zipf_pick(&zm);
		p.mech = unif() < 0.6 ? 0 : (int)below(5);
		do {
			for (int s = 0; s < 3; s++)
				in[s] = unif() < p_in[s];
		} while (!in[0] && !in[1] && !in[2]);
		person++;
		for (int s = 0; s < 3; s++) {
			int copies;
			if (!in[s])
				continue;
			copies = unif() < 0.008 ? 2 : 1;
			for (int c = 0; c < copies; c++) {
				ids[s]++;
				write_record(f[s], prefix[s], ids[s], &p, s);
				fprintf(truth, "%s,%s-%07ld,%ld\n", files[s], prefix[s], ids[s], person);
				made++;
			}
		}
	}
	for (int s = 0; s < 3; s++)
		fclose(f[s]);
	fclose(truth);
	fclose(units);
	free(zg.cum);
	free(zs.cum);
	free(zm.cum);
	return 0;
}
