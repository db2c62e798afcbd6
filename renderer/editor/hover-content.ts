import { constantValue } from '../../app/linux/arch-constants';
import { errnoByName } from '../../app/linux/errno';
import { syscallDoc, syscallParam } from '../../app/linux/syscall-docs';
import { syscallGroup, expandGroup } from '../../app/linux/syscall-groups';
import { SUPPORTED_ARCHES, syscallNumber, type Arch } from '../../app/linux/syscalls';
import { tokenize } from '../../app/policy/condition-lexer';
import { actionHoverLines } from './action-docs';
import {
  conditionOffset,
  policyArches,
  policyContextAt,
  type ConditionContext,
} from './policy-context';

/** A hover: markdown paragraphs and the source range [start, end) they explain. */
export interface HoverText {
  readonly contents: readonly string[];
  readonly start: number;
  readonly end: number;
}

const MAX_GROUP_MEMBERS = 60;
const MAX_ARG_SYSCALLS = 8;

function numberText(nr: number): string {
  return nr >= 0x1000 ? `0x${nr.toString(16)}` : String(nr);
}

/** Signature, one-line description and number per arch of a syscall. */
export function syscallHover(name: string): string[] {
  const doc = syscallDoc(name);
  const perArch = SUPPORTED_ARCHES.map((arch) => [arch, syscallNumber(arch, name)] as const);
  if (perArch.every(([, nr]) => nr === undefined)) return [];
  const numbers = perArch
    .map(([arch, nr]) => `${arch} ${nr === undefined ? '—' : numberText(nr)}`)
    .join(' · ');
  if (!doc) return [`**${name}**`, `Numbers: ${numbers}`, 'No man page for it on this machine.'];
  const lines = [`**${name}** — ${doc.description}`, `\`\`\`c\n${doc.signature}\n\`\`\``];
  if (doc.function !== name) {
    lines.push(
      `This is the C library's \`${doc.function}\`; the syscall's own arguments may differ.`,
    );
  }
  lines.push(`Numbers: ${numbers}`, `man ${doc.page}`);
  return lines;
}

/** A systemd group: what it is for and its members (nested groups by name). */
export function groupHover(name: string, arches: readonly Arch[]): string[] {
  const group = syscallGroup(name);
  if (!group) return [];
  const members = group.members.slice(0, MAX_GROUP_MEMBERS).join(', ');
  const more = group.members.length > MAX_GROUP_MEMBERS ? ` … (${group.members.length})` : '';
  const counts = arches.map((arch) => `${expandGroup(name, arch).length} on ${arch}`).join(', ');
  return [`**${group.name}** — ${group.description}`, `${members}${more}`, `Syscalls: ${counts}`];
}

function valueText(value: bigint): string {
  if (value < 0n) return `${value} (0x${BigInt.asUintN(64, value).toString(16)})`;
  return `0x${value.toString(16)} (${value})`;
}

/** A named constant's value on each of the policy's arches, arches with one value together. */
export function constantHover(name: string, arches: readonly Arch[]): string[] {
  const byValue = new Map<string, Arch[]>();
  const missing: Arch[] = [];
  for (const arch of arches) {
    const value = constantValue(arch, name);
    if (value === undefined) {
      missing.push(arch);
      continue;
    }
    const text = valueText(value);
    byValue.set(text, [...(byValue.get(text) ?? []), arch]);
  }
  if (byValue.size === 0) return [];
  const values = [...byValue].map(([text, on]) => `${text} on ${on.join(', ')}`);
  const lines = [`**${name}** = ${values.join(' · ')}`];
  if (missing.length > 0) lines.push(`Not defined on ${missing.join(', ')}.`);
  return lines;
}

/** `argN` of the rule's syscalls: the parameter each one declares there. */
export function argumentHover(index: number, syscalls: readonly string[]): string[] {
  const lines = [`**arg${index}** — argument ${index} of the syscall, as a 64-bit register value`];
  for (const name of syscalls.slice(0, MAX_ARG_SYSCALLS)) {
    const param = syscallParam(name, index);
    const doc = syscallDoc(name);
    if (param) {
      const cast = /^(unsigned )?int$/.test(param.type)
        ? ` — a 32-bit \`${param.type}\`: \`(${param.type === 'int' ? 'int' : 'u32'})arg${index}\` compares only the low half`
        : '';
      lines.push(`${name}: \`${param.type}${param.name ? ` ${param.name}` : ''}\`${cast}`);
    } else if (doc && doc.function === name) {
      lines.push(`${name}: takes no argument ${index}`);
    }
  }
  return lines;
}

function conditionHover(context: ConditionContext, arches: readonly Arch[]): HoverText | undefined {
  const { tokens } = tokenize(context.text);
  const token = tokens.find(
    (t) => t.kind === 'ident' && t.start <= context.cursor && context.cursor <= t.end,
  );
  if (!token || token.kind !== 'ident') return undefined;
  const arg = /^arg([0-5])$/.exec(token.text);
  const contents = arg
    ? argumentHover(Number(arg[1]), context.syscalls)
    : constantHover(token.text, arches);
  if (contents.length === 0) return undefined;
  return {
    contents,
    start: conditionOffset(context, token.start),
    end: conditionOffset(context, token.end),
  };
}

/** What the editor shows on hover at `offset` of the policy text, if anything. */
export function policyHover(text: string, offset: number): HoverText | undefined {
  const context = policyContextAt(text, offset);
  if (!context) return undefined;
  const arches = policyArches(text);
  if (context.kind === 'condition') return conditionHover(context, arches);
  const contents =
    context.kind === 'syscall'
      ? syscallHover(context.name)
      : context.kind === 'group'
        ? groupHover(context.name, arches)
        : context.kind === 'action'
          ? actionHoverLines(context.text)
          : errnoHover(context.name);
  return contents.length === 0 ? undefined : { contents, start: context.start, end: context.end };
}

function errnoHover(name: string): string[] {
  const info = errnoByName(name);
  return info ? [`**${info.name}** = ${info.value} — ${info.description}`] : [];
}
