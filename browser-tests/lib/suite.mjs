// The one-command suite (`otmetka-local`), started for a test file on a
// free loopback port with a fresh store: SQLite files in a temporary
// folder, or a fresh PostgreSQL database when OTMETKA_TEST_BACKEND is
// `postgres`. Today is pinned, so every run sees the same demo term.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TODAY = '2026-12-07';

const binary = process.env.OTMETKA_LOCAL_BIN
  ?? join(process.env.CARGO_TARGET_DIR ?? join(process.cwd(), '..', 'target'), 'debug', 'otmetka-local');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgresDatabase() {
  const base = process.env.OTMETKA_TEST_DATABASE_URL;
  if (process.env.OTMETKA_TEST_BACKEND !== 'postgres' || !base) return null;
  const name = `otmetka_browser_${process.pid}_${Date.now()}`;
  execFileSync('psql', [base, '-qc', `CREATE DATABASE ${name}`]);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), admin: base };
}

export async function startSuite() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'otmetka-browser-'));
  const database = postgresDatabase();
  const env = {
    ...process.env,
    OTMETKA_DATA_DIR: dataDir,
    OTMETKA_HTTP_ADDR: `127.0.0.1:${port}`,
    OTMETKA_TODAY: TODAY,
  };
  delete env.OTMETKA_DATABASE_URL;
  if (database) env.OTMETKA_DATABASE_URL = database.url;
  const child = spawn(binary, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const ready = await new Promise((resolve) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops everything')) { clearInterval(timer); resolve(true); }
      if (child.exitCode !== null) { clearInterval(timer); resolve(false); }
    }, 100);
  });
  if (!ready) throw new Error(`otmetka-local did not start:\n${output}`);
  const code = /код доступа\): (\S+)/.exec(output)?.[1];
  return {
    url: `http://127.0.0.1:${port}`,
    accessCode: code,
    backend: database ? 'postgres' : 'sqlite',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
      if (database) execFileSync('psql', [database.admin, '-qc', `DROP DATABASE ${database.name} WITH (FORCE)`]);
    },
  };
}

export const LOGINS = {
  teacher: ['teacher', 'uchitel-demo'],
  student: ['student', 'uchenik-demo'],
  parent: ['parent', 'roditel-demo'],
  parent2: ['parent2', 'roditel2-demo'],
  deputy: ['zavuch', 'zavuch-demo'],
  admin: ['admin', 'admin-demo-password'],
};
