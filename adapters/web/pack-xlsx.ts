import type ExcelJS from 'exceljs';
import { formatLondon } from '../../src/domain/london-time';
import type { MonthlyFigures } from '../../src/figures/figures.service';
import type { DueRow, ListRow } from '../../src/lists/list-queries';
import { figureSections } from './figure-sections';

/** The monthly pack as a workbook for the meeting's papers: the figures, the list, the due list. */
export async function packWorkbook(
  figures: MonthlyFigures,
  list: ListRow[],
  due: DueRow[],
  generatedAt: Date,
): Promise<ExcelJS.Workbook> {
  // Loaded when first used: exceljs costs ~0.4 s of CPU at start-up, and few ask for a pack.
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  book.creator = 'metbot';
  book.created = generatedAt;
  book.title = `MET Operational Group pack: ${figures.label}`;

  const sheet = book.addWorksheet('Figures', { views: [{ state: 'frozen', ySplit: 3 }] });
  sheet.columns = [{ width: 58 }, { width: 16 }, { width: 16 }, { width: 16 }, { width: 12 }];
  sheet.addRow([`MET Operational Group pack: ${figures.label}`]).font = { bold: true, size: 14 };
  sheet.addRow([
    figures.partial
      ? `So far: figures to ${formatLondon(new Date(figures.asOf))}. Made ${formatLondon(generatedAt)}.`
      : `The whole month. Made ${formatLondon(generatedAt)}.`,
  ]);
  sheet.addRow(['OFFICIAL-SENSITIVE']).font = { bold: true };
  for (const section of figureSections(figures)) {
    sheet.addRow([]);
    sheet.addRow([section.title]).font = { bold: true, size: 12 };
    if (section.note) sheet.addRow([section.note]).font = { italic: true };
    sheet.addRow(section.columns).font = { bold: true };
    for (const row of section.rows) sheet.addRow(row);
  }

  const listSheet = book.addWorksheet('MET list', { views: [{ state: 'frozen', ySplit: 1 }] });
  listSheet.columns = [
    { header: 'Child', key: 'initials', width: 10 },
    { header: 'Level', key: 'level', width: 10 },
    { header: 'Status', key: 'status', width: 14 },
    { header: 'Review date', key: 'review', width: 14, style: { numFmt: 'dd/mm/yyyy' } },
    { header: 'Lead professional', key: 'lead', width: 26 },
    { header: 'Nominated by', key: 'agency', width: 26 },
  ];
  listSheet.getRow(1).font = { bold: true };
  for (const row of list) {
    listSheet.addRow({
      initials: row.initials,
      level: row.level ?? 'not set',
      status: row.status === 'nominated' ? 'Nominated' : 'On the list',
      review: row.reviewDate ? new Date(row.reviewDate) : null,
      lead: row.leadProfessional ?? '',
      agency: row.agency ?? '',
    });
  }

  const dueSheet = book.addWorksheet('Interviews due', { views: [{ state: 'frozen', ySplit: 1 }] });
  dueSheet.columns = [
    { header: 'Child', key: 'initials', width: 10 },
    { header: 'Reference', key: 'reference', width: 16 },
    { header: 'Returned', key: 'returned', width: 24 },
    { header: 'Due by', key: 'due', width: 24 },
    { header: 'Time left', key: 'left', width: 18 },
    { header: 'Interviewer', key: 'interviewer', width: 26 },
  ];
  dueSheet.getRow(1).font = { bold: true };
  for (const row of due) {
    dueSheet.addRow({
      initials: row.initials,
      reference: row.reference ?? '',
      returned: formatLondon(new Date(row.returnedAt)),
      due: formatLondon(new Date(row.dueAt)),
      left: row.timeLeft,
      interviewer: row.interviewer ?? 'Not assigned yet',
    });
  }
  return book;
}
