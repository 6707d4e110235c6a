/* demo_data.c - countries, institutions, labels and names of the synthetic demo. */
#include "demo/demo_data.h"

const char *const demo_sex_code[N_SEX] = { "M", "F", "U" };
const char *const demo_mech_code[N_MECH] = {
	"firearm", "sharp", "blunt", "strangulation", "other", "unknown",
};
const char *const demo_place_code[N_PLACE] = {
	"dwelling", "public_road", "commercial", "school", "transport", "rural",
	"prison", "other", "unknown",
};
const char *const demo_rel_code[N_REL] = {
	"intimate_partner", "intimate_partner", "family", "acquaintance", "stranger", "unknown",
};
const char *const demo_ctx_code[N_CTX] = {
	"gang", "organized_crime", "robbery", "interpersonal", "intimate", "other", "unknown",
};
const char *const demo_manner_code[N_MANNER] = { "homicide", "undetermined" };

/*
 * ICCS 1.0 codes without dots: robbery 0401, theft 0502, extortion 02051,
 * kidnapping 020221, assault 02011 (injuries; domestic violence is assault
 * in a family relationship), rape 03011, and missing persons under illegal
 * restraint 020222, which includes forced disappearance (a convention of
 * the demo: a missing-person report is not always a crime), and burglary
 * 0501.
 */
const char *const demo_crime_iccs[N_CRIME] = {
	"0401", "0502", "02051", "020221", "02011", "02011", "03011", "020222", "0501",
};

#define ES_MECH { "Arma de fuego", "Arma blanca", "Objeto contundente", "Estrangulamiento", "Otro", "Sin dato" }
#define ES_PLACE { "Vivienda", "Vía pública", "Establecimiento comercial", "Centro educativo", \
		   "Transporte público", "Zona rural", "Centro penal", "Otro", "Sin dato" }
#define ES_REL { "Pareja", "Expareja", "Familiar", "Conocido", "Desconocido", "Ignorado" }
#define ES_CTX { "Pandillas", "Crimen organizado", "Robo", "Riña", "Violencia de pareja", "Otro", \
		 "En investigación" }
#define EN_MECH { "Firearm", "Knife", "Blunt object", "Strangulation", "Other", "Unknown" }
#define EN_PLACE { "Residence", "Street", "Business", "School", "Public transport", "Rural area", \
		   "Prison", "Other", "Unknown" }
#define EN_REL { "Partner", "Ex-partner", "Family member", "Acquaintance", "Stranger", "Unknown" }
#define EN_CTX { "Gang related", "Drug related", "Robbery", "Dispute", "Domestic", "Other", \
		 "Under investigation" }

const struct demo_style demo_styles[2][OB_DEMO_KINDS] = {
	{
		[OB_DEMO_POLICE] = {
			.sex = { "Hombre", "Mujer", "Ignorado" },
			.mech = ES_MECH, .place = ES_PLACE, .rel = ES_REL, .ctx = ES_CTX,
		},
		[OB_DEMO_FORENSIC] = {
			.sex = { "Masculino", "Femenino", "Ignorado" },
			.mech = { "Proyectil de arma de fuego", "Arma cortopunzante", "Objeto contuso",
				  "Asfixia mecánica", "Otro mecanismo", "No determinado" },
			.place = { "Vivienda", "Vía pública", "Local comercial", "Centro escolar",
				   "Vehículo de transporte", "Área rural", "Centro penitenciario",
				   "Otro lugar", "Sin información" },
			.manner = { "Homicidio", "Indeterminada" },
		},
		[OB_DEMO_PROSECUTOR] = {
			.sex = { "Hombre", "Mujer", "No consignado" },
			.mech = ES_MECH, .ctx = ES_CTX,
		},
		[OB_DEMO_CRIMES] = {
			.sex = { "Hombre", "Mujer", "Ignorado" },
			.mech = ES_MECH, .place = ES_PLACE,
		},
	},
	{
		[OB_DEMO_POLICE] = {
			.sex = { "Male", "Female", "Unknown" },
			.mech = EN_MECH, .place = EN_PLACE, .rel = EN_REL, .ctx = EN_CTX,
		},
		[OB_DEMO_FORENSIC] = {
			.sex = { "Male", "Female", "Unknown" },
			.mech = { "Gunshot wound", "Stab wound", "Blunt force trauma", "Asphyxia", "Other",
				  "Undetermined" },
			.place = EN_PLACE,
			.manner = { "Homicide", "Undetermined" },
		},
		[OB_DEMO_PROSECUTOR] = {
			.sex = { "Male", "Female", "Not recorded" },
			.mech = EN_MECH, .ctx = EN_CTX,
		},
		[OB_DEMO_CRIMES] = {
			.sex = { "Male", "Female", "Unknown" },
			.mech = EN_MECH, .place = EN_PLACE,
		},
	},
};

#define ES_CRIMES { "Robo", "Hurto", "Extorsión", "Secuestro", "Lesiones", \
		    "Violencia intrafamiliar", "Violación", "Desaparición de personas", \
		    "Robo con allanamiento" }

/*
 * Recording probabilities follow the usual pattern: forensic medicine sees
 * nearly every violent death, the police fewer (Guatemala 2020: 2,572 police
 * against 3,478 forensic records, a ratio of 0.74, hence 0.72 / 0.97), the
 * prosecutor has gaps of its own. Reported-crime rates are plausible orders
 * of magnitude for each country, not figures of any year.
 */
const struct demo_country demo_countries[DEMO_COUNTRIES] = {
	{
		.iso2 = "BZ", .iso3 = "BLZ", .name = "Belize", .english = true,
		.category_crosswalk = "bz-offence",
		.parent_col = "District", .unit_col = "Area", .code_col = "Area code",
		.femicide_year = 9999, .femicide_label = "Murder",
		.police_homicide = "Murder", .prosecutor_labels = { "Murder", "Murder" },
		.female = 0.11, .firearm = 0.70, .gang = 0.30, .organized = 0.10,
		.p_police = 0.92, .p_forensic = 0.95, .p_prosecutor = 0.85, .p_undetermined = 0.03,
		.crime_rate = { 150, 300, 1, 0.5, 200, 100, 15, 10, 200 },
		.doc_pattern = "999999999",
		.crime_label = { "Robbery", "Theft", "Extortion", "Kidnapping", "Wounding",
				 "Domestic violence", "Rape", "Missing person", "Burglary" },
		.crime_shape = CRIMES_AGGREGATE,
		.src = {
			{ "bz-bpd", "Belize Police Department", "BPD", "murders" },
			{ "bz-nfss", "National Forensic Science Service", "NFSS", "autopsies" },
			{ "bz-odpp", "Office of the Director of Public Prosecutions", "DPP", "murder_cases" },
			{ "bz-bpd-offences", "Belize Police Department", "CR", "offences" },
		},
	},
	{
		.iso2 = "CR", .iso3 = "CRI", .name = "Costa Rica",
		.category_crosswalk = "cr-delito",
		.parent_col = "Provincia", .unit_col = "Cantón", .code_col = "Código cantón",
		.femicide_year = 2007, .femicide_label = "Femicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio simple", "Homicidio calificado" },
		.female = 0.11, .firearm = 0.70, .gang = 0.05, .organized = 0.40,
		.p_police = 0.93, .p_forensic = 0.97, .p_prosecutor = 0.88, .p_undetermined = 0.02,
		.crime_rate = { 250, 500, 5, 0.5, 100, 250, 30, 20, 300 },
		.doc_pattern = "9-9999-9999",
		.crime_label = ES_CRIMES,
		.crime_shape = CRIMES_COUNTED,
		.src = {
			{ "cr-oij", "Organismo de Investigación Judicial", "OIJ", "homicidios" },
			{ "cr-ml", "Departamento de Medicina Legal", "DML", "autopsias" },
			{ "cr-mp", "Ministerio Público", "MP", "causas_homicidio" },
			{ "cr-oij-delitos", "Organismo de Investigación Judicial", "DEN", "delitos" },
		},
	},
	{
		.iso2 = "DO", .iso3 = "DOM", .name = "República Dominicana",
		.category_crosswalk = "do-delito",
		.parent_col = "Provincia", .unit_col = "Municipio", .code_col = "Código municipio",
		.police_upper = true,
		.femicide_year = 2026, .femicide_label = "Feminicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio voluntario", "Asesinato" },
		.female = 0.10, .firearm = 0.65, .gang = 0.05, .organized = 0.15,
		.p_police = 0.90, .p_forensic = 0.94, .p_prosecutor = 0.80, .p_undetermined = 0.04,
		.crime_rate = { 200, 250, 3, 0.3, 60, 300, 20, 10, 120 },
		.doc_pattern = "999-9999999-9",
		.crime_label = ES_CRIMES,
		.src = {
			{ "do-pn", "Policía Nacional", "PN", "homicidios" },
			{ "do-inacif", "Instituto Nacional de Ciencias Forenses", "INACIF", "necropsias" },
			{ "do-pgr", "Procuraduría General de la República", "PGR", "casos_homicidio" },
			{ "do-pn-delitos", "Policía Nacional", "DEN", "delitos" },
		},
	},
	{
		.iso2 = "GT", .iso3 = "GTM", .name = "Guatemala",
		.category_crosswalk = "gt-delito",
		.parent_col = "Departamento", .unit_col = "Municipio", .code_col = "Código municipio",
		.police_upper = true,
		.femicide_year = 2008, .femicide_label = "Femicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio", "Asesinato" },
		.female = 0.12, .firearm = 0.75, .gang = 0.25, .organized = 0.10,
		.p_police = 0.72, .p_forensic = 0.97, .p_prosecutor = 0.80, .p_undetermined = 0.05,
		.crime_rate = { 50, 60, 45, 0.3, 30, 150, 15, 30, 30 },
		.doc_pattern = "9999 99999 9999",
		.crime_label = ES_CRIMES,
		.src = {
			{ "gt-pnc", "Policía Nacional Civil", "PNC", "homicidios" },
			{ "gt-inacif", "Instituto Nacional de Ciencias Forenses de Guatemala", "INACIF",
			  "necropsias" },
			{ "gt-mp", "Ministerio Público", "MP", "casos_homicidio" },
			{ "gt-pnc-delitos", "Policía Nacional Civil", "DEN", "delitos" },
		},
	},
	{
		.iso2 = "HN", .iso3 = "HND", .name = "Honduras",
		.category_crosswalk = "hn-delito",
		.parent_col = "Departamento", .unit_col = "Municipio", .code_col = "Código municipio",
		.police_upper = true, .prosecutor_by_code = true,
		.femicide_year = 2013, .femicide_label = "Femicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio", "Asesinato" },
		.female = 0.09, .firearm = 0.74, .gang = 0.25, .organized = 0.15,
		.p_police = 0.88, .p_forensic = 0.95, .p_prosecutor = 0.82, .p_undetermined = 0.04,
		.crime_rate = { 100, 50, 10, 0.5, 40, 150, 25, 10, 50 },
		.doc_pattern = "9999-9999-99999",
		.crime_label = ES_CRIMES,
		.src = {
			{ "hn-sepol", "Secretaría de Seguridad, Policía Nacional", "SEPOL", "homicidios" },
			{ "hn-mf", "Dirección de Medicina Forense", "DMF", "necropsias" },
			{ "hn-mp", "Ministerio Público", "MP", "denuncias_homicidio" },
			{ "hn-sepol-delitos", "Secretaría de Seguridad, Policía Nacional", "DEN", "delitos" },
		},
	},
	{
		.iso2 = "PA", .iso3 = "PAN", .name = "Panamá",
		.category_crosswalk = "pa-delito",
		.parent_col = "Provincia", .unit_col = "Distrito", .code_col = "Código distrito",
		.prosecutor_by_code = true,
		.femicide_year = 2013, .femicide_label = "Femicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio doloso", "Homicidio doloso agravado" },
		.female = 0.09, .firearm = 0.73, .gang = 0.20, .organized = 0.25,
		.p_police = 0.92, .p_forensic = 0.96, .p_prosecutor = 0.85, .p_undetermined = 0.03,
		.crime_rate = { 150, 300, 3, 0.3, 120, 350, 30, 15, 150 },
		.doc_pattern = "9-999-9999",
		.crime_label = ES_CRIMES,
		.src = {
			{ "pa-pn", "Policía Nacional", "PN", "homicidios" },
			{ "pa-imelcf", "Instituto de Medicina Legal y Ciencias Forenses", "IMELCF",
			  "necropsias" },
			{ "pa-mp", "Ministerio Público", "MP", "noticias_criminales" },
			{ "pa-pn-delitos", "Policía Nacional", "DEN", "delitos" },
		},
	},
	{
		.iso2 = "SV", .iso3 = "SLV", .name = "El Salvador",
		.category_crosswalk = "sv-delito",
		.parent_col = "Departamento", .unit_col = "Municipio", .code_col = "Código municipio",
		.prosecutor_by_code = true,
		.femicide_year = 2012, .femicide_label = "Feminicidio",
		.police_homicide = "Homicidio",
		.prosecutor_labels = { "Homicidio simple", "Homicidio agravado" },
		.prosecutor_femicide = "Feminicidio agravado",
		.female = 0.10, .firearm = 0.72, .gang = 0.35, .organized = 0.05,
		.p_police = 0.90, .p_forensic = 0.96, .p_prosecutor = 0.85, .p_undetermined = 0.03,
		.crime_rate = { 40, 80, 30, 0.3, 35, 25, 25, 25, 40 },
		.doc_pattern = "99999999-9",
		.crime_label = ES_CRIMES,
		.src = {
			{ "sv-pnc", "Policía Nacional Civil", "PNC", "homicidios" },
			{ "sv-iml", "Instituto de Medicina Legal", "IML", "necropsias" },
			{ "sv-fgr", "Fiscalía General de la República", "FGR", "expedientes_homicidio" },
			{ "sv-pnc-delitos", "Policía Nacional Civil", "DEN", "delitos" },
		},
	},
};

const char *const demo_given_m[] = {
	"José", "Juan", "Carlos", "Luis", "Jorge", "Miguel", "Mario", "Francisco", "Jesús",
	"Manuel", "Pedro", "Antonio", "Óscar", "Edwin", "Wilmer", "Kevin", "Brayan", "Erick",
	"Nelson", "Walter", "Roberto", "Ricardo", "Julio", "César", "Marvin", "Mauricio",
	"Rafael", "Ramón", "Rubén", "Santos", "Víctor", "Hugo", "Héctor", "Elmer", "Douglas",
	"Jonathan", "Cristian", "Alexander", "Daniel", "David", "Fernando", "Gustavo", "Henry",
	"Iván", "Javier", "Josué", "Julián", "Leonel", "Marcos", "Milton", "Noé", "Omar",
	"René", "Rigoberto", "Selvin", "Tomás", "Wilson", "Ángel", "Germán", "Andrés",
	"Esteban", "Fabián", "Gerardo", "Gilberto", "Efraín", "Adán", "Joel", "Moisés",
	"Nicolás", "Saúl",
};
const size_t demo_given_m_n = OB_ARRAY_SIZE(demo_given_m);

const char *const demo_given_f[] = {
	"María", "Ana", "Rosa", "Carmen", "Sandra", "Claudia", "Gloria", "Marta", "Patricia",
	"Yesenia", "Karla", "Wendy", "Jessica", "Evelyn", "Sonia", "Reina", "Blanca", "Silvia",
	"Ingrid", "Lucía", "Sofía", "Andrea", "Daniela", "Gabriela", "Alejandra", "Beatriz",
	"Cecilia", "Dalia", "Elena", "Fátima", "Iris", "Julia", "Leticia", "Lorena", "Marisol",
	"Mónica", "Nancy", "Norma", "Paola", "Raquel", "Rocío", "Sara", "Teresa", "Verónica",
	"Xiomara", "Yolanda", "Zulma", "Inés", "Débora", "Mercedes", "Guadalupe", "Josefina",
	"Isabel", "Lilian", "Gricelda", "Érika", "Tatiana", "Ángela",
};
const size_t demo_given_f_n = OB_ARRAY_SIZE(demo_given_f);

const char *const demo_surnames[] = {
	"Hernández", "López", "Martínez", "García", "Rodríguez", "Pérez", "González",
	"Ramírez", "Flores", "Sánchez", "Cruz", "Reyes", "Morales", "Díaz", "Rivera", "Gómez",
	"Ortiz", "Castillo", "Chávez", "Mejía", "Vásquez", "Aguilar", "Romero", "Méndez",
	"Álvarez", "Torres", "Jiménez", "Ruiz", "Mendoza", "Herrera", "Medina", "Castro",
	"Guzmán", "Velásquez", "Rosales", "Orellana", "Portillo", "Alvarado", "Menjívar",
	"Figueroa", "Ramos", "Molina", "Fuentes", "Campos", "Escobar", "Argueta", "Guevara",
	"Ayala", "Zelaya", "Núñez", "Barrera", "Cáceres", "Cardona", "Contreras", "Cortez",
	"Deras", "Domínguez", "Duarte", "Echeverría", "Estrada", "Fernández", "Galdámez",
	"Girón", "Gutiérrez", "Ibáñez", "Juárez", "Lara", "Lemus", "Linares", "Marroquín",
	"Muñoz", "Navarro", "Osorio", "Pacheco", "Paredes", "Peña", "Pineda", "Quintanilla",
	"Quiñónez", "Ríos", "Rojas", "Salazar", "Serrano", "Solís", "Soto", "Tobar", "Urbina",
	"Valle", "Valladares", "Vargas", "Villatoro", "Zavala", "Zúñiga", "Ávila", "Benítez",
	"Bonilla", "Calderón", "Carranza", "Córdova", "Escalante", "Galeas", "Hidalgo", "Lobo",
	"Maldonado", "Montoya", "Ochoa", "Palacios", "Rosa", "Sosa", "Suazo", "Turcios",
	"Umaña", "Vega", "Ventura",
};
const size_t demo_surnames_n = OB_ARRAY_SIZE(demo_surnames);

const char *const demo_given_m_en[] = {
	"Michael", "John", "David", "James", "Robert", "Kevin", "Anthony", "Brandon", "Dwayne",
	"Shawn", "Andre", "Marvin", "Kenrick", "Delroy", "Glenford", "Trevor", "Dennis",
	"Elroy", "Shane", "Jamal",
};
const size_t demo_given_m_en_n = OB_ARRAY_SIZE(demo_given_m_en);

const char *const demo_given_f_en[] = {
	"Jennifer", "Sharon", "Michelle", "Kimberly", "Ashley", "Tanya", "Shanice", "Natasha",
	"Sheena", "Latoya",
};
const size_t demo_given_f_en_n = OB_ARRAY_SIZE(demo_given_f_en);

const char *const demo_surnames_en[] = {
	"Young", "Flowers", "Gentle", "Jones", "Williams", "Smith", "Usher", "Gillett", "Lewis",
	"Palacio", "Tillett", "Arnold", "Wade", "Neal", "Thompson", "Bennett", "Gordon",
	"Staine", "Pandy", "Requena",
};
const size_t demo_surnames_en_n = OB_ARRAY_SIZE(demo_surnames_en);

const char *const demo_settlements[] = {
	"El Carmen", "San José", "Las Flores", "La Esperanza", "Santa Lucía", "Los Ángeles",
	"El Progreso", "San Antonio", "La Paz", "Las Palmas", "El Milagro", "San Martín",
	"Santa Marta", "La Cruz", "El Rosario", "Buenos Aires", "Monte Sión", "Las Brisas",
	"El Paraíso", "San Rafael",
};
const size_t demo_settlements_n = OB_ARRAY_SIZE(demo_settlements);

/* Names of no real admin-2 unit of the seven countries, for rows that must
 * be refused as "unknown territory" (the generator checks them against the
 * store anyway). */
const char *const demo_fake_places[] = {
	"San Cristóbal del Monte", "Villa Esperanza Nueva", "Santa Rita del Valle",
	"Nuevo Horizonte del Sur", "La Fortuna de Abajo", "Puerto Escondido Norte",
};
const size_t demo_fake_places_n = OB_ARRAY_SIZE(demo_fake_places);
