// import.mjs FILE DB SKIP DELIM - load a CSV into a DuckDB table with read_csv.
import { DuckDBInstance } from '@duckdb/node-api';
const [file, db, skip, delim] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
await con.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file}', delim='${delim}',
  skip=${Number(skip)}, header=true, all_varchar=true, null_padding=true,
  quote='"', escape='"', strict_mode=false,
  ignore_errors=true, encoding='latin-1')`);
const r = await con.runAndReadAll('SELECT count(*) FROM t');
console.error(`duckdb rows: ${r.getRows()[0][0]}`);
