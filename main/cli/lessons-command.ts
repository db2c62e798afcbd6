import { lessons } from '../../app/lessons/catalog';
import { EXIT_OK } from './cli-error';
import { writeLines, type CliIo } from './cli-io';

const WIDTH = 100;
const INDENT = '    ';

/** `lessons`: the course, numbered, with each lesson's title and goal. */
export function lessonsCommand(io: CliIo): number {
  const idWidth = Math.max(...lessons.map((l) => l.id.length));
  const lines = lessons.flatMap((lesson) => [
    `${String(lesson.number).padStart(2)}. ${lesson.id.padEnd(idWidth)}  ${lesson.title}${lesson.target ? '' : ' (authoring only)'}`,
    ...wrap(`Goal: ${lesson.goal.description}`, WIDTH - INDENT.length).map((l) => INDENT + l),
  ]);
  writeLines(io.stdout, [
    ...lines,
    '',
    'Run one with `sandbox-studio lesson N` (or its name); --print-policy shows its starting policy.',
  ]);
  return EXIT_OK;
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
