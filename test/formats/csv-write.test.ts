import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../server/formats/csv-write.js';

describe('CSV cells', () => {
  it('keep text that a spreadsheet would run as a formula as text', () => {
    expect(csvCell('=HYPERLINK("http://x","点我")')).toBe(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(csvCell('+86 10 1234')).toBe("'+86 10 1234");
    expect(csvCell('-网格')).toBe("'-网格");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
  });

  it('write numbers, plain text and empty values as they are, quoting where CSV needs it', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(420)).toBe('420');
    expect(csvCell('第001网格')).toBe('第001网格');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['=1+1', 3, undefined])).toBe("'=1+1,3,");
  });
});
