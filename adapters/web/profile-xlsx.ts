import type ExcelJS from 'exceljs';
import { formatLondon } from '../../src/domain/london-time';
import type { ProblemProfile } from '../../src/links/picture.service';
import { profileSections } from './pages/picture';

/** The quarterly problem profile as a workbook: one sheet, the same sections as the page. */
export async function profileWorkbook(profile: ProblemProfile, generatedAt: Date): Promise<ExcelJS.Workbook> {
  // Loaded when first used, as the pack does: exceljs is slow to load and seldom needed.
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  book.creator = 'metbot';
  book.created = generatedAt;
  book.title = `Problem profile: ${profile.period.label}`;
  const sheet = book.addWorksheet('Problem profile');
  sheet.columns = [{ width: 40 }, { width: 28 }, { width: 12 }, { width: 12 }, { width: 60 }];
  sheet.addRow([`Problem profile: ${profile.period.label}`]).font = { bold: true, size: 14 };
  sheet.addRow([`Made ${formatLondon(generatedAt)}.`]);
  sheet.addRow(['OFFICIAL-SENSITIVE']).font = { bold: true };
  for (const section of profileSections(profile)) {
    sheet.addRow([]);
    sheet.addRow([section.title]).font = { bold: true, size: 12 };
    if (section.note) sheet.addRow([section.note]).font = { italic: true };
    if (section.rows.length === 0) {
      sheet.addRow([section.empty]);
      continue;
    }
    sheet.addRow(section.columns).font = { bold: true };
    for (const row of section.rows)
      sheet.addRow(row.map((cell) => (/^\d+$/.test(cell) ? Number(cell) : cell)));
  }
  return book;
}
