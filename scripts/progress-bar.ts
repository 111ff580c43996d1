/** A one-line progress bar on stderr, redrawn in place: `[█████░░░░░]  50% stage`. */
export function progressBar(width = 30): (fraction: number, stage: string) => void {
  return (fraction, stage) => {
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    process.stderr.write(`\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${stage.padEnd(24)}`);
  };
}
