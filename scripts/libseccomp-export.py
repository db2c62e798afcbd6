#!/usr/bin/python3
"""Compile a filter description with libseccomp (the reference) and print its BPF.

Used by the differential tests and the benchmark; needs Debian's python3-seccomp (libseccomp
2.5.4), which is installed for /usr/bin/python3 only.

stdin: one JSON filter description, or a JSON array of them:
  {"arches": ["x86_64", "x86", "x32"], "default": ACTION, "badArch": ACTION, "optimize": 1 | 2,
   "rules": [{"syscall": "read", "action": ACTION,
              "args": [{"arg": 0, "op": "EQ", "value": "1", "mask": "0xff"}]}]}
  ACTION: {"kind": "allow" | "kill-process" | "kill-thread" | "trap" | "log" | "notify"}
          | {"kind": "errno", "errno": N} | {"kind": "trace", "data": N}
  op: EQ NE LT LE GT GE MASKED_EQ (MASKED_EQ means (arg & mask) == value). Numbers are
  decimal or 0x strings (64-bit values do not survive JSON numbers).

stdout: for each description {"bpf": HEX, "instructions": N, "skipped": [...], "dropped": [...]}
  skipped: rules naming a syscall libseccomp does not know (it cannot express them)
  dropped: rules libseccomp refuses because their action is the default action (-EACCES);
           leaving them out does not change the filter's meaning.
stdin may instead be {"resolve": {"arches": [...], "names": [...]}}: then stdout is libseccomp's
syscall table for those names, {"x86_64": {"read": 0, "mmap2": null, ...}, ...} (null: the
arch has no such syscall).

Errors: a message on stderr and exit status 1 (2 when the seccomp module is missing).
libseccomp 2.5.4 refuses some filters the kernel would take, e.g. errno 4095 (MAX_ERRNO).
"""

import errno
import json
import os
import sys
import tempfile

try:
    import seccomp
except ImportError:
    sys.stderr.write(
        "libseccomp-export: the seccomp module is missing; install Debian's python3-seccomp "
        "and run this with /usr/bin/python3\n"
    )
    sys.exit(2)


class DescriptionError(Exception):
    pass


ARCHES = {
    "x86_64": seccomp.Arch.X86_64,
    "x86": seccomp.Arch.X86,
    "x32": seccomp.Arch.X32,
    "aarch64": seccomp.Arch.AARCH64,
    "arm": seccomp.Arch.ARM,
    "riscv64": seccomp.Arch.RISCV64,
}

OPS = {
    "EQ": seccomp.EQ,
    "NE": seccomp.NE,
    "LT": seccomp.LT,
    "LE": seccomp.LE,
    "GT": seccomp.GT,
    "GE": seccomp.GE,
    "MASKED_EQ": seccomp.MASKED_EQ,
}

SIMPLE_ACTIONS = {
    "allow": seccomp.ALLOW,
    "kill-process": seccomp.KILL_PROCESS,
    "kill-thread": seccomp.KILL,
    "trap": seccomp.TRAP,
    "log": seccomp.LOG,
    "notify": seccomp.NOTIFY,
}


def number(value, where):
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    elif isinstance(value, str):
        try:
            result = int(value, 0)
        except ValueError:
            raise DescriptionError(f"{where}: {value!r} is not a number")
    else:
        raise DescriptionError(f"{where}: expected a number or a numeric string, got {value!r}")
    if not 0 <= result < 2**64:
        raise DescriptionError(f"{where}: {value!r} is outside 0..2^64-1")
    return result


def action(value, where):
    if not isinstance(value, dict) or "kind" not in value:
        raise DescriptionError(f"{where}: expected an action object with a kind")
    kind = value["kind"]
    if kind == "trap" and value.get("data", 0):
        raise DescriptionError(f"{where}: libseccomp's TRAP carries no data")
    if kind in SIMPLE_ACTIONS:
        return SIMPLE_ACTIONS[kind]
    if kind == "errno":
        return seccomp.ERRNO(number(value.get("errno"), f"{where}.errno"))
    if kind == "trace":
        return seccomp.TRACE(number(value.get("data", 0), f"{where}.data"))
    raise DescriptionError(f"{where}: unknown action kind {kind!r}")


def argument(value, where):
    if not isinstance(value, dict):
        raise DescriptionError(f"{where}: expected an argument comparison object")
    index = value.get("arg")
    if index not in range(6):
        raise DescriptionError(f"{where}.arg: expected 0..5, got {index!r}")
    op = OPS.get(value.get("op"))
    if op is None:
        raise DescriptionError(f"{where}.op: expected one of {', '.join(OPS)}")
    datum = number(value.get("value"), f"{where}.value")
    if value.get("op") == "MASKED_EQ":
        return seccomp.Arg(index, op, number(value.get("mask"), f"{where}.mask"), datum)
    return seccomp.Arg(index, op, datum)


def new_filter(description):
    arches = description.get("arches")
    if not isinstance(arches, list) or not arches:
        raise DescriptionError("arches: expected a non-empty list")
    unknown = [a for a in arches if a not in ARCHES]
    if unknown:
        raise DescriptionError(f"arches: unknown {unknown}; known: {', '.join(ARCHES)}")
    default = action(description.get("default"), "default")
    try:
        result = seccomp.SyscallFilter(default)
    except RuntimeError:
        raise DescriptionError(f"default: libseccomp refuses {description.get('default')}")
    for name in arches:
        if not result.exist_arch(ARCHES[name]):
            result.add_arch(ARCHES[name])
    # A new filter holds the native arch; keep it only when it is listed. (system_arch() is the
    # unsigned AUDIT_ARCH value, the Arch constants are signed.)
    native = seccomp.system_arch() & 0xFFFFFFFF
    if not any(ARCHES[name] & 0xFFFFFFFF == native for name in arches):
        result.remove_arch(seccomp.Arch.NATIVE)
    try:
        result.set_attr(seccomp.Attr.ACT_BADARCH, action(description.get("badArch"), "badArch"))
    except ValueError:
        raise DescriptionError(f"badArch: libseccomp refuses {description.get('badArch')}")
    optimize = description.get("optimize", 1)
    if optimize not in (1, 2):
        raise DescriptionError("optimize: expected 1 (linear) or 2 (binary tree)")
    result.set_attr(seccomp.Attr.CTL_OPTIMIZE, optimize)
    return result


def library_errno(error):
    """The python binding reports failures as RuntimeError('Library error (errno = -N)')."""
    text = str(error)
    marker = "errno = "
    if marker not in text:
        return None
    try:
        return -int(text.split(marker, 1)[1].rstrip(")"))
    except ValueError:
        return None


def add_rules(result, rules):
    skipped, dropped = [], []
    if not isinstance(rules, list):
        raise DescriptionError("rules: expected a list")
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("syscall"), str):
            raise DescriptionError(f"{where}: expected an object with a syscall name")
        name = rule["syscall"]
        if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) == -1:
            skipped.append({"index": i, "syscall": name, "reason": "unknown to libseccomp"})
            continue
        rule_action = action(rule.get("action"), f"{where}.action")
        args = [argument(a, f"{where}.args[{j}]") for j, a in enumerate(rule.get("args", []))]
        try:
            result.add_rule(rule_action, name, *args)
        except RuntimeError as error:
            code = library_errno(error)
            if code == errno.EACCES:
                dropped.append({"index": i, "syscall": name, "reason": "default action"})
                continue
            reason = os.strerror(code) if code else str(error)
            raise DescriptionError(f"{where} ({name}): libseccomp refuses the rule: {reason}")
    return skipped, dropped


def export(description):
    if not isinstance(description, dict):
        raise DescriptionError("expected a filter description object")
    result = new_filter(description)
    skipped, dropped = add_rules(result, description.get("rules", []))
    with tempfile.TemporaryFile() as out:
        result.export_bpf(out)
        out.seek(0)
        program = out.read()
    return {
        "bpf": program.hex(),
        "instructions": len(program) // 8,
        "skipped": skipped,
        "dropped": dropped,
    }


def resolve(request):
    if not isinstance(request, dict):
        raise DescriptionError("resolve: expected {arches, names}")
    arches, names = request.get("arches"), request.get("names")
    if not isinstance(arches, list) or any(a not in ARCHES for a in arches):
        raise DescriptionError(f"resolve.arches: expected a list of {', '.join(ARCHES)}")
    if not isinstance(names, list) or any(not isinstance(n, str) for n in names):
        raise DescriptionError("resolve.names: expected a list of syscall names")
    table = {}
    for arch in arches:
        numbers = {}
        for name in names:
            nr = seccomp.resolve_syscall(ARCHES[arch], name)
            numbers[name] = nr if nr >= 0 else None
        table[arch] = numbers
    return table


def main():
    try:
        request = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        sys.stderr.write(f"libseccomp-export: stdin is not JSON: {error}\n")
        return 1
    try:
        if isinstance(request, dict) and "resolve" in request:
            answer = resolve(request["resolve"])
        elif isinstance(request, list):
            answer = [export_indexed(i, d) for i, d in enumerate(request)]
        else:
            answer = export(request)
    except DescriptionError as error:
        sys.stderr.write(f"libseccomp-export: {error}\n")
        return 1
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")
    return 0


def export_indexed(i, description):
    try:
        return export(description)
    except DescriptionError as error:
        raise DescriptionError(f"description {i}: {error}")


if __name__ == "__main__":
    sys.exit(main())
