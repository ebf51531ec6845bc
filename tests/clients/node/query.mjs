// Run one read-only query on a DuckDB file with the Node client; print the rows as JSON.
// Usage: node query.mjs <file.duckdb> <sql>
import { DuckDBInstance } from '@duckdb/node-api';

const [path, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
console.log(JSON.stringify(reader.getRowObjectsJson()));
