// The front end's findings under a version matrix given from outside the file (the CLI's
// `--kernels`, the `dmabuf.kernels` setting): they happen on every profile of it, and a `config`
// that some of those profiles lack (CONFIG_DMABUF_MOVE_NOTIFY on 7.1) is a NAME finding on those
// profiles, at the config line, as a platform's own `kernel` line would report it
// (platforms.ts checkConfigsExist). The platform's own profile is overridden, so the bind could
// not know.
import type { Finding } from '../common/findings';
import type { BoundProgram } from './bound';
import { CONFIG_NAMES, type ConfigItem } from './ast';
import { frontFinding } from './diagnostics';
import type { KernelVersion } from './profiles';
import { lackingConfig } from './platforms';

export function frontUnderMatrix(program: BoundProgram, kernels: readonly KernelVersion[]): Finding[] {
  const main = program.files.get(program.main);
  const configs = (main?.ast.items ?? []).flatMap((item) => (item.kind === 'Platform' ? item.items.filter((c): c is ConfigItem => c.kind === 'Config') : []));
  const configAt = new Set(configs.map((c) => c.name.span.start));
  // What the bind said of a config against the platform's own profile, which the matrix overrides.
  const ownProfile = (f: Finding) => f.code === 'NAME' && f.location.file === program.main && configAt.has(f.location.span.start) && f.message.includes('no CONFIG_');
  const out: Finding[] = program.findings.filter((f) => !ownProfile(f)).map((f) => ({ ...f, versions: kernels }));
  if (!main) return out;
  for (const config of configs) {
    if (!(CONFIG_NAMES as readonly string[]).includes(config.name.value)) continue;
    const lacking = lackingConfig(kernels, config.name.value);
    if (lacking.length === 0) continue;
    const { row } = lacking[0];
    const which = lacking.map((l) => l.version).join(', ');
    const message = `${lacking.length === 1 ? 'profile' : 'profiles'} ${which} of the version matrix ${lacking.length === 1 ? 'has' : 'have'} no CONFIG_${config.name.value}: it was removed in ${row.since} by ${row.commit}`;
    out.push({ ...frontFinding(main.source, 'NAME', config.name.span, message), versions: lacking.map((l) => l.version) });
  }
  return out;
}
