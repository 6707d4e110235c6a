# gen.awk - a messy police export of N rows (UTF-8 here; the caller converts it
# to Windows-1252). Input: "municipality|department" lines of the catalogue.
# Deterministic: awk's srand with a fixed seed.
BEGIN { FS = "|"; srand(20201); nm = 0 }
{ mun[++nm] = $1; dep[nm] = $2 }
function pick(a, n) { return a[int(rand() * n) + 1] }
function strip(s) {
	gsub(/á/, "a", s); gsub(/é/, "e", s); gsub(/í/, "i", s); gsub(/ó/, "o", s)
	gsub(/ú/, "u", s); gsub(/ñ/, "n", s); gsub(/Á/, "A", s); gsub(/É/, "E", s)
	return s
}
function spell(s, r) {
	r = rand()
	if (r < 0.2) return toupper(strip(s))
	if (r < 0.35) return strip(s)
	if (r < 0.45) return "  " s " "
	return s
}
END {
	split("Homicidio|Homicidio agravado|Homicidio simple|Feminicidio", del, "|")
	split("Hombre|HOMBRE|Masculino|M|Mujer|Femenino|F|Ignorado", sexo, "|")
	split("Arma de fuego|ARMA DE FUEGO|Arma blanca|Objeto contundente|Estrangulamiento|Ignorado|", arma, "|")
	split("José|María|Juan|Ana|Luis|Carmen|Pedro|Rosa|Carlos|Sofía", nom, "|")
	split("Hernández|López|Martínez|García|Pérez|Ramírez|Flores|Rivera|Díaz|Cruz", ape, "|")
	print "POLICÍA NACIONAL CIVIL"
	print "Reporte de homicidios 2015 - 2024"
	print ""
	print "No. Caso;Fecha del hecho;Hora;Departamento;Municipio;Delito;Sexo;Edad;Arma;Nombre de la víctima;DUI;Observaciones"
	for (i = 1; i <= n; i++) {
		y = 2015 + int(rand() * 10); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28)
		k = int(rand() * nm) + 1
		s = pick(sexo, 8)
		age = rand() < 0.05 ? "desconocido" : (rand() < 0.3 ? int(15 + rand() * 50) " años" : int(15 + rand() * 50))
		date = sprintf("%02d/%02d/%d", d, m, y)
		r = rand()
		if (r < 0.0005) date = sprintf("%02d/%02d/%d", d, m, 2099)
		else if (r < 0.001) age = "150"
		mname = r > 0.001 && r < 0.0015 ? "Municipio Inexistente" : mun[k]
		printf "PNC-%07d;%s;%02d:%02d;%s;%s;%s;%s;%s;%s;%s %s %s;%08d-%d;%s\n", i, date, int(rand() * 24), int(rand() * 60), spell(dep[k]), spell(mname), pick(del, 4), s, age, pick(arma, 7), pick(nom, 10), pick(ape, 10), pick(ape, 10), int(rand() * 99999999), int(rand() * 9), (rand() < 0.1 ? "\"ver expediente; \"\"urgente\"\"\"" : "")
	}
	printf "Total;;;;;;;;;;;%d\n", n
	print "Fuente: Sistema de registro policial (datos sintéticos)"
}
