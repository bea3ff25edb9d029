// PCI topology and pci_p2pdma_distance() (drivers/pci/p2pdma.c calc_map_type_and_dist, P2P-05).
//
// The language names only switches and host bridges; we expand them into the PCI bridges the
// kernel walks with pci_upstream_bridge(): a device below a switch hangs off one of the switch's
// downstream ports, whose upstream is the switch's upstream port; a device or a switch whose
// parent is a host bridge sits on a root port of its own; root ports have no upstream bridge.
import type { ResolvedPlatform } from '../../../language/bound';

export type P2pMapType = 'BUS_ADDR' | 'THRU_HOST_BRIDGE' | 'NOT_SUPPORTED';

export interface P2pDistance {
  readonly type: P2pMapType;
  readonly distance: number;
  readonly reason: string;
}

/** A PCI function or bridge on a device's upstream path. */
interface PathNode {
  /** Unique name: `dev:gpu`, `dsp:sw0:gpu`, `usp:sw0`, `rp:rc:gpu`, `rp:rc:sw0`. */
  readonly id: string;
  /** ACS redirect enabled on this port. */
  readonly acsRedirect: boolean;
}

interface UpstreamPath {
  readonly nodes: readonly PathNode[];
  /** The host bridge at the top, undefined when the topology is broken. */
  readonly hostBridge?: string;
}

/** The device itself followed by every bridge up to (not including) the host bridge. */
export function upstreamPath(platform: ResolvedPlatform, device: string): UpstreamPath | undefined {
  const dev = platform.devices.get(device);
  if (!dev || dev.bus.kind !== 'pci') return undefined;
  const nodes: PathNode[] = [{ id: `dev:${device}`, acsRedirect: false }];
  let child = device;
  let parent = dev.bus.upstream;
  for (let depth = 0; depth < 64; depth++) {
    if (platform.hostBridges.has(parent)) {
      nodes.push({ id: `rp:${parent}:${child}`, acsRedirect: false });
      return { nodes, hostBridge: parent };
    }
    const sw = platform.switches.get(parent);
    if (!sw) return { nodes };
    nodes.push({ id: `dsp:${sw.name}:${child}`, acsRedirect: sw.acs });
    nodes.push({ id: `usp:${sw.name}`, acsRedirect: false });
    child = sw.name;
    parent = sw.under;
  }
  return { nodes };
}

/**
 * The map type and distance between the device providing P2P memory (a BAR's owner) and the
 * client device that will DMA to it. `reason` says why, in the words the kernel warns with.
 */
export function p2pDistance(platform: ResolvedPlatform, provider: string, client: string): P2pDistance {
  const a = upstreamPath(platform, provider);
  if (!a) return notSupported(`${provider} cannot be used for peer-to-peer DMA as it is not a PCI device`);
  const b = upstreamPath(platform, client);
  if (!b) return notSupported(`${client} cannot be used for peer-to-peer DMA as it is not a PCI device`);

  let acs: string[] = [];
  for (let distA = 0; distA < a.nodes.length; distA++) {
    const node = a.nodes[distA];
    if (node.acsRedirect) acs.push(node.id);
    const distB = b.nodes.findIndex((n) => n.id === node.id);
    if (distB < 0) continue;
    for (const n of b.nodes.slice(0, distB)) if (n.acsRedirect) acs.push(n.id);
    const distance = distA + distB;
    if (acs.length === 0) {
      return { type: 'BUS_ADDR', distance, reason: `${provider} and ${client} share an upstream bridge (${describe(node.id)}) without ACS redirect` };
    }
    acs = [...new Set(acs)];
    const redirected = `ACS redirect is set between the client and provider (${acs.map(describe).join('; ')}), so traffic goes up to the host bridge`;
    return throughHostBridge(platform, a, b, provider, client, distance, redirected);
  }
  const distance = a.nodes.length + b.nodes.length;
  return throughHostBridge(platform, a, b, provider, client, distance, `${provider} and ${client} do not share an upstream bridge`);
}

function throughHostBridge(
  platform: ResolvedPlatform,
  a: UpstreamPath,
  b: UpstreamPath,
  provider: string,
  client: string,
  distance: number,
  why: string,
): P2pDistance {
  const bridge = a.hostBridge && a.hostBridge === b.hostBridge ? platform.hostBridges.get(a.hostBridge) : undefined;
  if (bridge?.p2p) {
    return { type: 'THRU_HOST_BRIDGE', distance, reason: `${why}; host bridge ${bridge.name} is whitelisted for P2P` };
  }
  const which = a.hostBridge && a.hostBridge === b.hostBridge ? `host bridge ${a.hostBridge} is not in the P2PDMA whitelist` : `they sit below different host bridges (${a.hostBridge ?? '?'}, ${b.hostBridge ?? '?'})`;
  return notSupported(`${why}; ${which}: "${client} cannot be used for peer-to-peer DMA as the client and provider (${provider}) do not share an upstream bridge or whitelisted host bridge"`);
}

function notSupported(reason: string): P2pDistance {
  return { type: 'NOT_SUPPORTED', distance: -1, reason };
}

function describe(id: string): string {
  const [kind, a, b] = id.split(':');
  if (kind === 'usp') return `switch ${a}`;
  if (kind === 'dsp') return `switch ${a}'s downstream port above ${b}`;
  if (kind === 'rp') return `root port of ${b} on ${a}`;
  return a;
}
