import type { TraceEvent } from './events';

/** One process of a run as the supervisor saw it. */
export interface ProcessNode {
  readonly pid: number;
  /** Its parent when first seen (0 when unknown). */
  readonly ppid: number;
  /** Milliseconds since the run started, when it was first seen. */
  readonly firstSeen: number;
  /** Programs it ran, in order (path and argv). */
  readonly execs: readonly {
    readonly t: number;
    readonly path: string;
    readonly argv: readonly string[];
  }[];
  /** Its threads other than the main one, by tid. */
  readonly threads: readonly number[];
  readonly exit?: {
    readonly t: number;
    readonly code: number | null;
    readonly signal: string | null;
  };
  /** Processes whose parent it was when they were first seen. */
  readonly children: readonly ProcessNode[];
}

interface MutableNode {
  pid: number;
  ppid: number;
  firstSeen: number;
  execs: { t: number; path: string; argv: readonly string[] }[];
  threads: number[];
  exit?: { t: number; code: number | null; signal: string | null };
  children: MutableNode[];
}

/**
 * The process tree of a run from its events: `process` (first sight, with the parent), `thread`,
 * `exec`, `exit`. Roots are processes whose parent is not part of the run (the first process,
 * and orphans whose parent was never seen). Events of unknown processes create their node.
 */
export function buildProcessTree(events: Iterable<TraceEvent>): readonly ProcessNode[] {
  const nodes = new Map<number, MutableNode>();
  const node = (pid: number, t: number, ppid = 0): MutableNode => {
    let found = nodes.get(pid);
    if (!found) {
      found = { pid, ppid, firstSeen: t, execs: [], threads: [], children: [] };
      nodes.set(pid, found);
    }
    return found;
  };
  for (const event of events) {
    switch (event.type) {
      case 'process':
        node(event.pid, event.t, event.ppid).ppid = event.ppid;
        break;
      case 'thread': {
        const owner = node(event.pid, event.t);
        if (!owner.threads.includes(event.tid)) owner.threads.push(event.tid);
        break;
      }
      case 'exec':
        node(event.pid, event.t).execs.push({ t: event.t, path: event.path, argv: event.argv });
        break;
      case 'exit':
        node(event.pid, event.t).exit = { t: event.t, code: event.code, signal: event.signal };
        break;
      default:
        break;
    }
  }
  const roots: MutableNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.ppid !== n.pid ? nodes.get(n.ppid) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

/** Every node of a tree, parents before children. */
export function flattenProcessTree(roots: readonly ProcessNode[]): ProcessNode[] {
  return roots.flatMap((root) => [root, ...flattenProcessTree(root.children)]);
}
