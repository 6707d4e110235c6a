# make_pnc_2024.py - writes pnc_2024.csv (invented data; see README.md). Run from the
# repository root: python3 tests/data/onboarding/make_pnc_2024.py
import csv, random, unicodedata
random.seed(2024)
terr = {}
deps = {}
for row in csv.DictReader(open('data/catalog/territories.csv', encoding='utf-8')):
    if row['country'] != 'SLV': continue
    if row['level'] == '1': deps[row['code']] = row['name']
    if row['level'] == '2' and row['valid_to'] == '2024-04-30': terr[row['code']] = row
codes = sorted(terr)
def strip(s): return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')
big = ['SLV0614','SLV0617','SLV0511','SLV0210','SLV1217','SLV0315','SLV0619','SLV0608','SLV0502','SLV1123']
def spell(name, code):
    r = random.random()
    n = name.upper()
    if r < 0.45: n = strip(n)
    elif r < 0.55: n = name  # as in the catalogue
    if code in ('SLV0614','SLV1217','SLV0210') and random.random() < 0.5:
        n += ' (CT)'
    return n
weapons = ['ARMA DE FUEGO']*14 + ['ARMA BLANCA']*3 + ['CONTUNDENTE', 'ESTRANGULAMIENTO', 'OTRA', 'ARMA CORTO PUNZANTE', 'ARTEFACTO CASERO']
places = ['VIA PUBLICA']*6 + ['VIVIENDA']*3 + ['ZONA RURAL', 'COMERCIO', 'PREDIO BALDIO', 'TRANSPORTE PUBLICO']
rows = []
for i in range(440):
    code = random.choice(big) if random.random() < 0.4 else random.choice(codes)
    t = terr[code]
    m = random.randint(1, 12); d = random.randint(1, 28)
    date = '%02d/%02d/2024' % (d, m)
    hour = '' if random.random() < 0.15 else '%02d:%02d' % (random.randint(0, 23), random.choice([0, 15, 30, 45]))
    sex = random.choices(['HOMBRE', 'MUJER', 'NO DETERMINADO'], [85, 13, 2])[0]
    crime = random.choice(['FEMINICIDIO', 'FEMINICIDIO AGRAVADO']) if sex == 'MUJER' and random.random() < 0.6 else random.choice(['HOMICIDIO', 'HOMICIDIO SIMPLE', 'HOMICIDIO AGRAVADO'])
    age = random.choices(['MENORES', 'ADOLESCENTES', 'ADULTOS', 'NO DETERMINADO'], [4, 12, 80, 4])[0]
    dep = deps[t['parent']].upper()
    if random.random() < 0.5: dep = strip(dep)
    n = random.choices([1, 2, 3], [90, 8, 2])[0]
    rows.append([date, hour, dep, str(int(code[3:])), spell(t['name'], code), crime, sex, age,
                 random.choice(weapons), random.choice(places), str(n)])
# exact duplicates, as exports have them
for i in (10, 50, 120, 300):
    rows.insert(i + 1, list(rows[i]))
# three rows without a date
for i in (77, 201, 399):
    rows[i][0] = ''
rows.sort(key=lambda r: (r[0][6:] + r[0][3:5] + r[0][:2]) if r[0] else 'z')
ncol = 11
out = []
def q(c): return '"' + c.replace('"', '""') + '"' if ';' in c or '"' in c else c
def line(cells): out.append(';'.join(q(c) for c in cells + [''] * (ncol - len(cells))))
line(['POLICÍA NACIONAL CIVIL'])
line(['DIVISIÓN DE ESTADÍSTICA Y ANÁLISIS DELINCUENCIAL'])
line(['REPORTE DE HOMICIDIOS, ENERO A DICIEMBRE DE 2024'])
line(['Fecha de corte: 15/01/2025'])
out.append('')
line(['FECHA', 'HORA', 'DEPARTAMENTO', 'COD. MUNICIPIO', 'MUNICIPIO', 'DELITO', 'SEXO', 'GRUPO ETARIO', 'ARMA', 'LUGAR', 'CANTIDAD'])
for r in rows: line(r)
line(['TOTAL', '', '', '', '', '', '', '', '', '', str(sum(int(r[10]) for r in rows))])
line(['FUENTE: PNC, División de Estadística y Análisis Delincuencial'])
line(['NOTA: cifras preliminares, sujetas a cambio; la cantidad es de víctimas por hecho'])
open('tests/data/onboarding/pnc_2024.csv', 'wb').write(('\r\n'.join(out) + '\r\n').encode('cp1252'))
print(len(rows))
