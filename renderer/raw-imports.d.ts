// Vitest (Vite) loads `file?raw` imports as strings; renderer tests read example files so, without
// Node APIs (the renderer is a web page). The same declaration as app/raw-imports.d.ts, which the
// renderer project does not include.
declare module '*?raw' {
  const text: string;
  export default text;
}
