// bench/analyze/duckdb.mjs - the DuckDB peer of bench/analyze.
//   node duckdb.mjs load DB CSV           table rec from the denormalised CSV
//   node duckdb.mjs query DB QUERIES RUNS median ms of each query: "name ms rows"
// Rows are read into JavaScript, as a caller would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// the package is installed once under bench/duckdb by bench/duckdb/setup
const require = createRequire(new URL('../duckdb/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const [mode, db, arg, n] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
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
} else {
  for (const line of readFileSync(arg, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const parts = line.split('|');
    const name = parts[0], sql = parts.slice(4).join('|');
    const times = [];
    let rows = 0;
    for (let i = 0; i < Number(n); i++) {
      const t0 = process.hrtime.bigint();
      const r = await con.runAndReadAll(sql);
      rows = r.getRows().length;
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${name} ${times[Math.floor(times.length / 2)].toFixed(3)} ${rows}`);
  }
}
