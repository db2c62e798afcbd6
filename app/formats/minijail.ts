/*
 * minijail seccomp policy files, both ways: import (minijail-import.ts, syntax in
 * minijail-parse.ts) and export (minijail-export.ts).
 */
export { exportMinijailPolicy, type MinijailExportOptions } from './minijail-export';
export { importMinijailPolicy, type MinijailImportOptions } from './minijail-import';
