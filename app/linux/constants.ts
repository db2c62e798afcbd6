import table from '../generated/linux-constants.json';

/** Kernel constants evaluated from the uapi headers by scripts/gen-linux-tables.mjs. */
export const SECCOMP = table.seccomp;
export const AUDIT_ARCH = table.audit;
export const BPF = table.bpf;
export const PRCTL = table.prctl;
export const FCNTL = table.fcntl;
export const POLL = table.poll;
export const X86 = table.x86;
