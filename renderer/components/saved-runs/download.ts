/**
 * Hands text to the user as a file: a Blob download, which the browser saves to its downloads
 * folder and Electron asks where to save. `parts` are joined without copying them into one string.
 */
export function downloadText(fileName: string, parts: readonly string[]): void {
  const blob = new Blob([...parts], { type: 'application/x-ndjson' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the blob by now; keep it a while for slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
