import '../../styles/audit.css';
import { useStore } from 'zustand';
import { useStudio } from '../studio-context';
import { Modal } from '../dialogs/Modal';
import type { AuditState } from '../../state/audit-store';
import { AuditReportView } from './AuditReportView';
import { ProcessList } from './ProcessList';

export function useAudit<T>(selector: (s: AuditState) => T): T {
  return useStore(useStudio().stores.audit, selector);
}

/**
 * "Audit a process…": the running processes on the left, the picked one's sandbox posture and
 * seccomp filters on the right.
 */
export function AuditView() {
  const { stores } = useStudio();
  const open = useAudit((s) => s.open);
  if (!open) return null;
  return (
    <Modal
      title="Audit a process"
      onCancel={() => stores.audit.getState().close()}
      className="audit-modal"
    >
      <div className="audit-layout">
        <ProcessList />
        <AuditReportView />
      </div>
    </Modal>
  );
}
