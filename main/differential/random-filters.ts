import fc from 'fast-check';
import type {
  LibseccompAction,
  LibseccompArch,
  LibseccompArgCompare,
  LibseccompFilter,
  LibseccompRule,
} from '../../app/formats/libseccomp-filter';
import { LIBSECCOMP_OPS } from '../../app/formats/libseccomp-filter';
import { ourArch } from '../../app/formats/libseccomp-meaning';
import { syscallNames } from '../../app/linux/syscalls';
import type { ArgIndex } from '../../app/policy/resolved';

/*
 * Random libseccomp filters whose meaning libseccomp 2.5.4 defines (libseccomp-meaning.ts): per
 * syscall either unconditional rules (which override any conditional ones), conditional rules
 * sharing one action, or conditional rules with different actions on provably disjoint argument
 * values.
 */

/** Names every listed arch has, so that libseccomp needs no pseudo numbers for them. */
export function commonSyscallNames(arches: readonly LibseccompArch[]): string[] {
  const tables = arches.map((a) => {
    const ours = ourArch(a);
    return new Set(ours ? syscallNames(ours) : []);
  });
  const [first = new Set<string>(), ...rest] = tables;
  return [...first].filter((name) => rest.every((t) => t.has(name))).sort();
}

const U64 = (1n << 64n) - 1n;

/** libseccomp 2.5.4 refuses errno 4095 (MAX_ERRNO), which the kernel accepts. */
const LIBSECCOMP_MAX_ERRNO = 4094;

export const actionArbitrary: fc.Arbitrary<LibseccompAction> = fc.oneof(
  fc.constantFrom<LibseccompAction>(
    { kind: 'allow' },
    { kind: 'kill-process' },
    { kind: 'kill-thread' },
    { kind: 'trap' },
    { kind: 'log' },
    { kind: 'notify' },
    { kind: 'errno', errno: 1 },
    { kind: 'errno', errno: 13 },
  ),
  fc
    .integer({ min: 1, max: LIBSECCOMP_MAX_ERRNO })
    .map((errno): LibseccompAction => ({ kind: 'errno', errno })),
  fc.integer({ min: 0, max: 0xffff }).map((data): LibseccompAction => ({ kind: 'trace', data })),
);

const valueArbitrary: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 1n << 63n, U64),
  fc.bigInt({ min: 0n, max: 64n }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
  fc.bigInt({ min: 0n, max: U64 }),
);

const maskArbitrary: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(0n, 0xffn, 0xffffffffn, 0xffffffff00000000n, U64, 0x7e020000n),
  fc.bigInt({ min: 0n, max: U64 }),
);

const argIndex = fc.integer({ min: 0, max: 5 }) as fc.Arbitrary<ArgIndex>;

function compareArbitrary(arg: ArgIndex): fc.Arbitrary<LibseccompArgCompare> {
  return fc
    .record({ op: fc.constantFrom(...LIBSECCOMP_OPS), value: valueArbitrary })
    .chain(({ op, value }): fc.Arbitrary<LibseccompArgCompare> =>
      op === 'MASKED_EQ'
        ? maskArbitrary.map((mask) => ({ arg, op, value, mask }))
        : fc.constant({ arg, op, value }),
    );
}

/** One AND-chain: at most one comparison per argument, as libseccomp requires. */
const chainArbitrary: fc.Arbitrary<LibseccompArgCompare[]> = fc
  .uniqueArray(argIndex, { minLength: 1, maxLength: 3 })
  .chain((args) => fc.tuple(...args.map(compareArbitrary)));

type Shape = (name: string) => fc.Arbitrary<LibseccompRule[]>;

const plainRule = (syscall: string, action: LibseccompAction, args: LibseccompArgCompare[] = []) =>
  ({ syscall, action, args }) satisfies LibseccompRule;

/** Unconditional rules win over conditional ones in any order; the first unconditional wins. */
const unconditional: Shape = (name) =>
  fc
    .record({
      plain: fc.array(actionArbitrary, { minLength: 1, maxLength: 2 }),
      conditional: fc.array(chainArbitrary, { maxLength: 2 }),
      conditionalAction: actionArbitrary,
      conditionalFirst: fc.boolean(),
    })
    .map(({ plain, conditional, conditionalAction, conditionalFirst }) => {
      const plains = plain.map((a) => plainRule(name, a));
      const conds = conditional.map((chain) => plainRule(name, conditionalAction, chain));
      return conditionalFirst ? [...conds, ...plains] : [...plains, ...conds];
    });

/** Chains sharing one action are OR-ed. */
const sameAction: Shape = (name) =>
  fc
    .tuple(actionArbitrary, fc.array(chainArbitrary, { minLength: 1, maxLength: 3 }))
    .map(([action, chains]) => chains.map((chain) => plainRule(name, action, chain)));

/** Different actions on different values of one argument (EQ, masked, or a split at a bound). */
const disjointActions: Shape = (name) =>
  fc.oneof(
    fc
      .tuple(
        argIndex,
        fc.uniqueArray(valueArbitrary, { minLength: 2, maxLength: 4 }),
        fc.array(actionArbitrary, { minLength: 4, maxLength: 4 }),
      )
      .map(([arg, values, actions]) =>
        values.map((value, i) =>
          plainRule(name, actions[i] ?? { kind: 'allow' }, [{ arg, op: 'EQ', value }]),
        ),
      ),
    fc
      .tuple(
        argIndex,
        maskArbitrary,
        fc.uniqueArray(valueArbitrary, { minLength: 2, maxLength: 3 }),
        actionArbitrary,
        actionArbitrary,
      )
      .map(([arg, mask, values, a, b]) => {
        const distinct = [...new Set(values.map((v) => v & mask))];
        return distinct.map((value, i) =>
          plainRule(name, i % 2 === 0 ? a : b, [{ arg, op: 'MASKED_EQ', value, mask }]),
        );
      }),
    fc
      .tuple(argIndex, valueArbitrary, actionArbitrary, actionArbitrary, fc.boolean())
      .map(([arg, value, below, above, inclusive]) => [
        plainRule(name, below, [{ arg, op: inclusive ? 'LE' : 'LT', value }]),
        plainRule(name, above, [{ arg, op: inclusive ? 'GT' : 'GE', value }]),
      ]),
  );

function rulesArbitrary(names: readonly string[], withArgs: boolean) {
  const shape = (name: string): fc.Arbitrary<LibseccompRule[]> =>
    withArgs
      ? fc.oneof(
          { weight: 3, arbitrary: actionArbitrary.map((a) => [plainRule(name, a)]) },
          { weight: 1, arbitrary: unconditional(name) },
          { weight: 2, arbitrary: sameAction(name) },
          { weight: 2, arbitrary: disjointActions(name) },
        )
      : fc.array(actionArbitrary, { minLength: 1, maxLength: 2 }).map((actions) => {
          return actions.map((a) => plainRule(name, a));
        });
  return fc
    .uniqueArray(names.length > 0 ? fc.constantFrom(...names) : fc.constant(''), {
      maxLength: Math.min(40, names.length),
    })
    .chain((chosen): fc.Arbitrary<LibseccompRule[][]> =>
      chosen.length === 0 ? fc.constant([]) : fc.tuple(...chosen.map(shape)),
    )
    .chain((groups) => fc.shuffledSubarray(groups.flat(), { minLength: groups.flat().length }));
}

export interface RandomFilterOptions {
  /** Arches a filter may list (each must have one of our syscall tables). */
  readonly arches: readonly LibseccompArch[];
  readonly withArgs: boolean;
  readonly optimize?: 1 | 2;
  /**
   * Syscalls rules may name (those the arches lack are left out): names libseccomp numbers as
   * our tables do (namesLibseccompAgreesOn), which also leaves out the socket and IPC calls
   * libseccomp multiplexes through socketcall/ipc on x86.
   */
  readonly names: readonly string[];
}

/** Random filters in the subset of libseccomp whose meaning is defined. */
export function libseccompFilterArbitrary(
  options: RandomFilterOptions,
): fc.Arbitrary<LibseccompFilter> {
  const allowed = new Set(options.names);
  return fc
    .shuffledSubarray([...options.arches], { minLength: 1 })
    .chain((arches): fc.Arbitrary<LibseccompFilter> =>
      fc.record({
        arches: fc.constant(arches),
        defaultAction: actionArbitrary,
        badArchAction: actionArbitrary,
        optimize: options.optimize ? fc.constant(options.optimize) : fc.constantFrom(1 as const, 2),
        rules: rulesArbitrary(
          commonSyscallNames(arches).filter((n) => allowed.has(n)),
          options.withArgs,
        ),
      }),
    );
}
