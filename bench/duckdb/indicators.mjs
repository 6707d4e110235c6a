// indicators.mjs - the DuckDB peer of bench/indicators.
//   node indicators.mjs load DB CSV      create table rec from the exported records
//   node indicators.mjs query DB SQL N   run the query N times; print each time (s)
// The query's rows are read into JavaScript, as a caller would.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const [mode, db, arg, n] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
if (mode === 'load') {
  await con.run(`CREATE OR REPLACE TABLE rec AS SELECT * FROM read_csv('${arg}', header=true,
    columns={'territory': 'VARCHAR', 'occurred_on': 'VARCHAR', 'occurred_at': 'VARCHAR',
             'victim_sex': 'VARCHAR', 'victim_age': 'INTEGER', 'category': 'VARCHAR',
             'manner': 'VARCHAR', 'mechanism': 'VARCHAR', 'place': 'VARCHAR',
             'relationship': 'VARCHAR', 'context': 'VARCHAR', 'institution': 'VARCHAR'})`);
  const r = await con.runAndReadAll('SELECT count(*) FROM rec');
  console.error(`duckdb: ${r.getRows()[0][0]} records`);
} else {
  const sql = readFileSync(arg, 'utf8');
  for (let i = 0; i < Number(n); i++) {
    const t0 = process.hrtime.bigint();
    const r = await con.runAndReadAll(sql);
    const rows = r.getRows().length;
    const t = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(t.toFixed(3));
    console.error(`duckdb: ${rows} rows in ${t.toFixed(3)} s`);
  }
}
