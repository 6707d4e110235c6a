#!/usr/bin/env python3
# make.py - writes victimization.csv, the small survey of e2e/survey_ingest.sh:
# four departments of El Salvador (SLV01..SLV04) x urban/rural strata, four
# PSUs a stratum, unequal weights, codes for "don't know" (9), women asked
# about a partner; SLV04 has few respondents, so that some of its estimates
# are suppressed. Run: python3 make.py > victimization.csv
import random

r = random.Random(19)
print("anio,depto,estrato,upm,factor,sexo,edad,victima,seguro_noche,pareja_alguna,violencia_pareja")
for d, size in (("SLV01", 12), ("SLV02", 10), ("SLV03", 9), ("SLV04", 2)):
    for area in ("U", "R"):
        for p in range(1, 5):
            base = r.uniform(150, 900)
            for i in range(r.randint(size - 1, size + 2)):
                sexo = r.choice((1, 2))
                edad = r.randint(18, 80)
                victima = 9 if r.random() < 0.03 else (1 if r.random() < (0.18 if area == "U" else 0.10) else 2)
                seguro = 9 if r.random() < 0.04 else r.choice((1, 2, 2, 3, 3, 4))
                if sexo == 2:
                    pareja = 1 if r.random() < 0.8 else 2
                    viol = (1 if r.random() < 0.2 else 2) if pareja == 1 else ""
                else:
                    pareja, viol = "", ""
                w = round(base * r.uniform(0.7, 1.3), 2)
                print(f"2023,{d},{d}-{area},{area}{p},{w},{sexo},{edad},{victima},{seguro},{pareja},{viol}")
