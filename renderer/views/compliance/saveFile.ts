/**
 * Hands a file the central store made (a partner's export, a subject access report, a disclosure)
 * to the officer: the browser's download, which Electron turns into a save dialog. The text lives
 * only in memory for this moment; nothing of it is written to the desk's cache or storage.
 */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // revoked once the download has taken the file (a moment after the click): until then the object URL holds it in memory
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
