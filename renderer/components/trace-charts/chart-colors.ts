/** Colors of the theme in effect, as canvas wants them (the CSS variables use light-dark()). */
export interface ChartColors {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly accent: string;
  readonly red: string;
  readonly surface: string;
  /** Canvas font strings: canvas cannot read CSS variables itself. */
  readonly monoFont: string;
  readonly uiFont: string;
}

const VARIABLES = {
  text: '--text',
  muted: '--muted',
  grid: '--border',
  accent: '--accent',
  red: '--red',
  surface: '--surface',
} as const;

/** Resolves the theme's variables by letting the browser compute them on a probe element. */
export function chartColors(within: HTMLElement): ChartColors {
  const probe = document.createElement('span');
  probe.hidden = true;
  within.append(probe);
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const colors = Object.fromEntries(
    Object.entries(VARIABLES).map(([key, variable]) => [key, resolve(variable)]),
  ) as Record<keyof typeof VARIABLES, string>;
  const family = (variable: string): string => {
    probe.style.fontFamily = `var(${variable})`;
    return getComputedStyle(probe).fontFamily || 'sans-serif';
  };
  const fonts = {
    monoFont: `12px ${family('--font-mono')}`,
    uiFont: `12px ${family('--font-ui')}`,
  };
  probe.remove();
  return { ...colors, ...fonts };
}
