/** One classic-BPF instruction, as in the kernel's `struct sock_filter`. */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

export type BpfProgram = readonly BpfInstruction[];

/** The input a seccomp filter sees (`struct seccomp_data`); 64-bit fields as bigint. */
export interface SeccompData {
  readonly nr: number;
  readonly arch: number;
  readonly instructionPointer: bigint;
  readonly args: readonly [bigint, bigint, bigint, bigint, bigint, bigint];
}
