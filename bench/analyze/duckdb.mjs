// bench/analyze/duckdb.mjs - the DuckDB peer of bench/analyze, in two layouts.
//   node duckdb.mjs load DB CSV    table rec from the denormalised CSV (every
//                                  text column VARCHAR, in the store's order)
//   node duckdb.mjs typed DB       table rec_typed from rec, as a DuckDB user
//                                  would lay it out: an ENUM per dimension,
//                                  small integers for year, month and age,
//                                  rows sorted like the snapshot (territory,
//                                  year, source); nothing when it exists
//   node duckdb.mjs query DB QUERIES RUNS LAYOUT [ANSWERS]
//                                  median ms of each query: "name ms rows" on
//                                  rec (LAYOUT varchar) or rec_typed (typed,
//                                  its literals cast to the column's ENUM);
//                                  with ANSWERS, each query's rows there, one
//                                  JSON line per query ({"q", "rows"})
// Rows are read into JavaScript, as a caller would.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// the package is installed once under bench/duckdb by bench/duckdb/setup
const require = createRequire(new URL('../duckdb/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const [mode, db, arg, n, layout, answersFile] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
// the dimensions that become ENUMs in the typed layout
const DIMS = ['country', 'admin1', 'admin2', 'sex', 'age_group', 'iccs', 'iccs_section',
  'iccs_division', 'iccs_group', 'mechanism', 'place', 'manner', 'source', 'institution'];
if (mode === 'load') {
  await con.run(`CREATE OR REPLACE TABLE rec AS SELECT * FROM read_csv('${arg}', header=true,
    columns={'country': 'VARCHAR', 'admin1': 'VARCHAR', 'admin2': 'VARCHAR', 'year': 'INTEGER',
             'month': 'INTEGER', 'sex': 'VARCHAR', 'age': 'INTEGER', 'age_group': 'VARCHAR',
             'iccs': 'VARCHAR', 'iccs_section': 'VARCHAR', 'iccs_division': 'VARCHAR',
             'iccs_group': 'VARCHAR', 'mechanism': 'VARCHAR', 'place': 'VARCHAR',
             'manner': 'VARCHAR', 'source': 'VARCHAR', 'institution': 'VARCHAR',
             'victims': 'INTEGER'})`);
  const r = await con.runAndReadAll('SELECT count(*) FROM rec');
  console.error(`duckdb: ${r.getRows()[0][0]} records`);
} else if (mode === 'typed') {
  const have = await con.runAndReadAll(
    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'rec_typed'");
  if (Number(have.getRows()[0][0]) === 0) {
    const cols = [];
    for (const d of DIMS) {
      const v = await con.runAndReadAll(
        `SELECT DISTINCT ${d} FROM rec WHERE ${d} IS NOT NULL ORDER BY 1`);
      const list = v.getRows().map((r) => `'${String(r[0]).replace(/'/g, "''")}'`).join(', ');
      await con.run(`CREATE TYPE IF NOT EXISTS e_${d} AS ENUM (${list})`);
      cols.push(`${d}::e_${d} AS ${d}`);
    }
    await con.run(`CREATE TABLE rec_typed AS SELECT
      country::e_country AS country, admin1::e_admin1 AS admin1, admin2::e_admin2 AS admin2,
      year::SMALLINT AS year, month::UTINYINT AS month, sex::e_sex AS sex, age::SMALLINT AS age,
      ${cols.filter((c) => !/^(country|admin1|admin2|sex)::/.test(c)).join(', ')},
      victims::INTEGER AS victims
      FROM rec ORDER BY country, admin1, admin2, year, source`);
    const r = await con.runAndReadAll('SELECT count(*) FROM rec_typed');
    console.error(`duckdb: ${r.getRows()[0][0]} records, typed and sorted`);
  }
} else {
  const out = [];
  for (const line of readFileSync(arg, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const parts = line.split('|');
    const name = parts[0];
    let sql = parts.slice(4).join('|');
    if (layout === 'typed') {
      // FROM rec_typed, and a dimension compared with its ENUM value: DuckDB
      // compares an ENUM column with a text literal by casting the column to
      // VARCHAR, which keeps the filter out of the scan (no zone maps)
      sql = sql.replace(/\bFROM rec\b/g, 'FROM rec_typed').replace(
        new RegExp(`\\b(${DIMS.join('|')}) = '([^']*)'`, 'g'), "$1 = '$2'::e_$1");
    }
    const times = [];
    let rows = [];
    for (let i = 0; i < Number(n); i++) {
      const t0 = process.hrtime.bigint();
      const r = await con.runAndReadAll(sql);
      rows = r.getRows();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${name} ${times[Math.floor(times.length / 2)].toFixed(3)} ${rows.length}`);
    // values as text (BigInt, ENUM and VARCHAR alike), null kept
    out.push(JSON.stringify({ q: name, rows: rows.map((r) => r.map((v) => (v === null ? null : String(v)))) }));
  }
  if (answersFile) writeFileSync(answersFile, out.join('\n') + '\n');
}
