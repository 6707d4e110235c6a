# gen.awk - a police delivery of N rows, all of year Y (the delivery's
# period), for the incremental snapshot's test and bench: a row per case,
# municipalities drawn from the "municipality|department" lines on input,
# ids prefixed by P so that deliveries differ. A few rows carry a category
# code the catalogue lacks, so that a delta adds to the dictionaries.
# Deterministic: awk's srand with the seed S.
BEGIN { FS = "|"; srand(S); nm = 0 }
{ mun[++nm] = $1; dep[nm] = $2 }
function pick(a, n) { return a[int(rand() * n) + 1] }
END {
	split("Homicidio|Homicidio agravado|Feminicidio|Lesiones", del, "|")
	split("Hombre|Mujer|Ignorado", sexo, "|")
	split("Arma de fuego|Arma blanca|Objeto contundente|", arma, "|")
	print "No. Caso;Fecha del hecho;Hora;Departamento;Municipio;Delito;Sexo;Edad;Arma"
	for (i = 1; i <= N; i++) {
		k = int(rand() * nm) + 1
		printf "%s-%06d;%02d/%02d/%d;%02d:%02d;%s;%s;%s;%s;%d;%s\n", P, i, 1 + int(rand() * 28),
			1 + int(rand() * 12), Y, int(rand() * 24), int(rand() * 60), dep[k], mun[k],
			pick(del, 4), pick(sexo, 3), 15 + int(rand() * 60), pick(arma, 4)
	}
}
