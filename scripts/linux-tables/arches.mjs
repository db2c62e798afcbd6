// The ABIs the studio targets and how to read their kernel headers on this machine.
//
// x86_64, i386 and x32 come from the host's linux-libc-dev (/usr/include/x86_64-linux-gnu/asm
// carries all three unistd tables), so the host gcc with -m64/-m32/-mx32 can check every value.
// aarch64, arm (EABI) and riscv64 come from Debian's linux-libc-dev-<arch>-cross packages under
// /usr/<triplet>/include; no cross compiler is needed: the host cpp runs with -undef -nostdinc and
// the macros that arch's gcc predefines (the ones these headers test: see `predefines`), and
// scripts/linux-tables/c-expr.mjs evaluates the expanded macros in that arch's data model.

const LP64 = ['__LP64__=1', '_LP64=1', '__SIZEOF_POINTER__=8', '__SIZEOF_LONG__=8'];
const ILP32 = ['__SIZEOF_POINTER__=4', '__SIZEOF_LONG__=4'];
const COMMON = [
  '__GNUC__=12',
  '__CHAR_BIT__=8',
  '__SIZEOF_INT__=4',
  '__SIZEOF_LONG_LONG__=8',
  '__ORDER_LITTLE_ENDIAN__=1234',
  '__ORDER_BIG_ENDIAN__=4321',
  '__BYTE_ORDER__=__ORDER_LITTLE_ENDIAN__',
];
const HOST_INCLUDE = ['/usr/include/x86_64-linux-gnu', '/usr/include'];

/**
 * @typedef {object} ArchSpec
 * @property {string} name                the studio's name (policy `arch:` values)
 * @property {'ilp32' | 'lp64'} model     C data model, for literal types, casts and sizeof
 * @property {32 | 64} bits               width of syscall arguments in seccomp_data.args
 * @property {string} auditArchMacro      AUDIT_ARCH_* name in linux/audit.h (seccomp_data.arch)
 * @property {string[]} predefines        what that arch's gcc predefines and the headers test
 * @property {string[]} include           include path, most specific first
 * @property {string} package             Debian package the headers come from
 * @property {string[]} [hostCompilerFlags] gcc flags when the host compiler can build for it
 * @property {string} [syscallBaseMacro]  a macro every syscall number of the ABI includes
 */

/** @type {ArchSpec[]} */
export const ARCHES = [
  {
    name: 'x86_64',
    model: 'lp64',
    bits: 64,
    auditArchMacro: 'AUDIT_ARCH_X86_64',
    predefines: [...COMMON, ...LP64, '__x86_64__=1', '__x86_64=1'],
    include: HOST_INCLUDE,
    package: 'linux-libc-dev',
    hostCompilerFlags: ['-m64'],
  },
  {
    name: 'i386',
    model: 'ilp32',
    bits: 32,
    auditArchMacro: 'AUDIT_ARCH_I386',
    predefines: [...COMMON, ...ILP32, '__i386__=1', '__i386=1', '__ILP32__=1', '_ILP32=1'],
    include: HOST_INCLUDE,
    package: 'linux-libc-dev',
    hostCompilerFlags: ['-m32'],
  },
  {
    // x32 shares AUDIT_ARCH_X86_64 with x86_64: the kernel tells them apart only by
    // __X32_SYSCALL_BIT in the syscall number, which is part of every x32 number here.
    name: 'x32',
    model: 'ilp32',
    bits: 64,
    auditArchMacro: 'AUDIT_ARCH_X86_64',
    predefines: [...COMMON, ...ILP32, '__x86_64__=1', '__x86_64=1', '__ILP32__=1', '_ILP32=1'],
    include: HOST_INCLUDE,
    package: 'linux-libc-dev',
    hostCompilerFlags: ['-mx32'],
    syscallBaseMacro: '__X32_SYSCALL_BIT',
  },
  {
    name: 'aarch64',
    model: 'lp64',
    bits: 64,
    auditArchMacro: 'AUDIT_ARCH_AARCH64',
    predefines: [...COMMON, ...LP64, '__aarch64__=1', '__AARCH64EL__=1'],
    include: ['/usr/aarch64-linux-gnu/include'],
    package: 'linux-libc-dev-arm64-cross',
  },
  {
    // EABI, little endian: __ARM_EABI__ selects asm/unistd-eabi.h (no 0x900000 OABI base).
    name: 'arm',
    model: 'ilp32',
    bits: 32,
    auditArchMacro: 'AUDIT_ARCH_ARM',
    predefines: [...COMMON, ...ILP32, '__arm__=1', '__ARM_EABI__=1', '__ARMEL__=1'],
    include: ['/usr/arm-linux-gnueabihf/include'],
    package: 'linux-libc-dev-armhf-cross',
  },
  {
    name: 'riscv64',
    model: 'lp64',
    bits: 64,
    auditArchMacro: 'AUDIT_ARCH_RISCV64',
    predefines: [...COMMON, ...LP64, '__riscv=1', '__riscv_xlen=64'],
    include: ['/usr/riscv64-linux-gnu/include'],
    package: 'linux-libc-dev-riscv64-cross',
  },
];
