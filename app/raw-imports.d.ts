// Vitest (Vite) loads `file?raw` imports as strings; tests use it to read example files without
// Node APIs, keeping app/ pure.
declare module '*?raw' {
  const text: string;
  export default text;
}
