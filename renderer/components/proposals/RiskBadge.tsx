import type { RiskLevel } from '../../../app/proposals/proposal';

const LABELS: Readonly<Record<RiskLevel, string>> = {
  low: 'low risk',
  medium: 'medium risk',
  high: 'high risk',
};

export function RiskBadge({ level }: { level: RiskLevel }) {
  return <span className={`risk-badge risk-${level}`}>{LABELS[level]}</span>;
}
