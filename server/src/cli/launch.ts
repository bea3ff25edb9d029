// dist/cli.js: starts dmabuf-check from V8's code cache. The checker itself is dist/cli-main.js;
// compiling its ~0.5 MB on every start was most of what the CLI added to Node's own start, so
// the build runs it once and keeps V8's compiled code beside it (dist/cli-main.js.cache, written
// by this file when DMABUF_WRITE_CODE_CACHE is set). A cache from another Node or V8 is rejected
// by V8 and the file is compiled as usual: the cache can make a start faster, never different.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const file = path.join(__dirname, 'cli-main.js');
const cacheFile = `${file}.cache`;
const source = fs.readFileSync(file, 'utf8');
let cachedData: Buffer | undefined;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined; // no cache yet (a build without it): compile as Node would
}
const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
const mod = new Module(file, module);
mod.filename = file;
mod.paths = module.paths;
const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
if (process.env.DMABUF_WRITE_CODE_CACHE) process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
