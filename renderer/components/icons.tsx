import type { ReactElement } from 'react';

/** Small line icons drawn for the toolbar (no icon font or remote assets). */
export type IconName =
  | 'open'
  | 'save'
  | 'learn'
  | 'check'
  | 'enforce'
  | 'stop'
  | 'allow'
  | 'shield'
  | 'commands'
  | 'lessons'
  | 'theme-system'
  | 'theme-light'
  | 'theme-dark';

const PATHS: Readonly<Record<IconName, ReactElement>> = {
  open: (
    <path d="M2.5 4.5a1 1 0 0 1 1-1h3l1.5 1.5h4.5a1 1 0 0 1 1 1V6.5M2.5 4.5v7a1 1 0 0 0 1 1h8.6a1 1 0 0 0 .95-.68l1.4-4.2a.8.8 0 0 0-.76-1.07H5.1a1 1 0 0 0-.95.68L2.5 11.5" />
  ),
  save: (
    <>
      <path d="M3 2.5h8l2.5 2.5v8a.5.5 0 0 1-.5.5H3a.5.5 0 0 1-.5-.5V3a.5.5 0 0 1 .5-.5z" />
      <path d="M5 2.5v3h5v-3M5 13.5v-4h6v4" />
    </>
  ),
  learn: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <circle cx="8" cy="8" r="2" fill="currentColor" stroke="none" />
    </>
  ),
  check: (
    <path d="M8 1.8 13.2 4v4c0 3-2.2 5.3-5.2 6.2C5 13.3 2.8 11 2.8 8V4L8 1.8zM5.6 8.1l1.7 1.7 3.2-3.4" />
  ),
  enforce: (
    <>
      <rect x="3.5" y="7" width="9" height="6.5" rx="1" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </>
  ),
  stop: <rect x="4" y="4" width="8" height="8" rx="1.2" fill="currentColor" stroke="none" />,
  allow: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 5.5v5M5.5 8h5" />
    </>
  ),
  shield: <path d="M8 1.5 13.5 3.8v4.1c0 3.2-2.3 5.6-5.5 6.6-3.2-1-5.5-3.4-5.5-6.6V3.8L8 1.5z" />,
  commands: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" />
      <path d="M4.8 6.3 7 8l-2.2 1.7M8.5 10h2.7" />
    </>
  ),
  'theme-system': (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor" stroke="none" />
    </>
  ),
  'theme-light': (
    <>
      <circle cx="8" cy="8" r="2.8" />
      <path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" />
    </>
  ),
  'theme-dark': <path d="M13 9.6A5.5 5.5 0 0 1 6.4 3a5.5 5.5 0 1 0 6.6 6.6z" />,
  lessons: (
    <path d="M8 4.2C6.6 3.2 4.6 2.8 2.5 3v9.3c2.1-.2 4.1.2 5.5 1.2 1.4-1 3.4-1.4 5.5-1.2V3c-2.1-.2-4.1.2-5.5 1.2zM8 4.2v9.3" />
  ),
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
