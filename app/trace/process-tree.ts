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
}

/**
 * Builds the process tree of a run from its events, one at a time (a live run keeps adding):
 * `process` (first sight, with the parent), `thread`, `exec`, `exit`. Roots are processes whose
 * parent is not part of the run (the first process, and orphans whose parent was never seen).
 * Events of processes not seen yet create their node.
 */
export class ProcessTreeBuilder {
  private readonly nodes = new Map<number, MutableNode>();

  private node(pid: number, t: number, ppid = 0): MutableNode {
    let found = this.nodes.get(pid);
    if (!found) {
      found = { pid, ppid, firstSeen: t, execs: [], threads: [] };
      this.nodes.set(pid, found);
    }
    return found;
  }

  add(event: TraceEvent): void {
    switch (event.type) {
      case 'process':
        this.node(event.pid, event.t, event.ppid).ppid = event.ppid;
        break;
      case 'thread': {
        const owner = this.node(event.pid, event.t);
        if (!owner.threads.includes(event.tid)) owner.threads.push(event.tid);
        break;
      }
      case 'exec':
        this.node(event.pid, event.t).execs.push({
          t: event.t,
          path: event.path,
          argv: event.argv,
        });
        break;
      case 'exit':
        this.node(event.pid, event.t).exit = { t: event.t, code: event.code, signal: event.signal };
        break;
      default:
        break;
    }
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The tree as it is now, as fresh immutable nodes. */
  roots(): readonly ProcessNode[] {
    const children = new Map<number, MutableNode[]>();
    const roots: MutableNode[] = [];
    for (const n of this.nodes.values()) {
      const parent = n.ppid !== n.pid ? this.nodes.get(n.ppid) : undefined;
      if (!parent) roots.push(n);
      else if (children.has(parent.pid)) children.get(parent.pid)?.push(n);
      else children.set(parent.pid, [n]);
    }
    const freeze = (n: MutableNode): ProcessNode => ({
      pid: n.pid,
      ppid: n.ppid,
      firstSeen: n.firstSeen,
      execs: [...n.execs],
      threads: [...n.threads],
      ...(n.exit ? { exit: { ...n.exit } } : {}),
      children: (children.get(n.pid) ?? []).map(freeze),
    });
    return roots.map(freeze);
  }
}

/** The process tree of a whole run (see ProcessTreeBuilder). */
export function buildProcessTree(events: Iterable<TraceEvent>): readonly ProcessNode[] {
  const builder = new ProcessTreeBuilder();
  for (const event of events) builder.add(event);
  return builder.roots();
}

/** Every node of a tree, parents before children. */
export function flattenProcessTree(roots: readonly ProcessNode[]): ProcessNode[] {
  return roots.flatMap((root) => [root, ...flattenProcessTree(root.children)]);
}
