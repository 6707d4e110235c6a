// import_xlsx.mjs FILE DB - load an .xlsx sheet into a DuckDB table with the
// excel extension's read_xlsx, every cell as text. Exits 3 when the
// extension cannot be installed or loaded (it is downloaded on first use,
// so offline it may not be there).
import { DuckDBInstance } from '@duckdb/node-api';
const [file, db] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
try {
  await con.run('INSTALL excel');
  await con.run('LOAD excel');
} catch (err) {
  console.error(`duckdb excel extension unavailable: ${err.message.split('\n')[0]}`);
  process.exit(3);
}
await con.run(`CREATE TABLE t AS SELECT * FROM read_xlsx('${file}', header=false,
  all_varchar=true, ignore_errors=true)`);
const r = await con.runAndReadAll('SELECT count(*) FROM t');
console.error(`duckdb rows: ${r.getRows()[0][0]}`);
