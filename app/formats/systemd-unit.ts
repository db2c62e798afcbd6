/*
 * systemd units, both ways: export writes a `[Service]` drop-in (systemd-export.ts), import reads
 * a unit or drop-in (systemd-import.ts). Both speak systemd 252's semantics (systemd.exec(5)).
 */
export { exportSystemdDropIn, type SystemdExportOptions } from './systemd-export';
export { importSystemdUnit, type SystemdImportOptions } from './systemd-import';
