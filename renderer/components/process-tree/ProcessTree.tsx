import type { ProcessNode } from '../../../app/trace/process-tree';
import { useProcessTree } from './use-process-tree';

function describeExit(node: ProcessNode): string {
  if (!node.exit) return 'running or exit not seen';
  if (node.exit.signal !== null) return `killed by ${node.exit.signal}`;
  return `exit ${node.exit.code ?? '?'}`;
}

function ProcessItem({ node }: { node: ProcessNode }) {
  const program = node.execs.at(-1);
  return (
    <li>
      <span className="process-line">
        <span className="process-pid">{node.pid}</span>{' '}
        <span className="process-program">
          {program ? program.argv.join(' ') || program.path : '(no exec)'}
        </span>{' '}
        {node.threads.length > 0 ? (
          <span className="process-threads">
            +{node.threads.length} {node.threads.length === 1 ? 'thread' : 'threads'}
          </span>
        ) : null}{' '}
        <span className={`process-exit${node.exit?.signal ? ' killed' : ''}`}>
          {describeExit(node)}
        </span>
      </span>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <ProcessItem key={child.pid} node={child} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function countNodes(nodes: readonly ProcessNode[]): number {
  return nodes.reduce((sum, n) => sum + 1 + countNodes(n.children), 0);
}

/** The run's processes and threads as the supervisor saw them, parents above children. */
export function ProcessTree() {
  const roots = useProcessTree();
  if (roots.length === 0) return null;
  const count = countNodes(roots);
  return (
    <details className="process-tree">
      <summary>Processes ({count})</summary>
      <ul aria-label="Process tree">
        {roots.map((root) => (
          <ProcessItem key={root.pid} node={root} />
        ))}
      </ul>
    </details>
  );
}
