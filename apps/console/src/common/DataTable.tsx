import { Table } from 'nhsuk-react-components';
import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  /** Visually hidden header (an actions column still needs a name for screen readers). */
  hiddenHeader?: boolean;
  cell: (row: T) => ReactNode;
}

/**
 * The shared table layer (issue 13): one NHS table with a caption, header cells with scope and rows keyed
 * by id, instead of the same markup repeated on every page.
 */
export function DataTable<T>({
  caption,
  hiddenCaption,
  columns,
  rows,
  rowKey,
  testId,
  rowTestId,
}: {
  caption: string;
  hiddenCaption?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  testId?: string;
  rowTestId?: string;
}) {
  return (
    <Table
      data-testid={testId}
      caption={caption}
      captionProps={hiddenCaption ? { className: 'nhsuk-u-visually-hidden' } : undefined}
    >
      <Table.Head>
        <Table.Row>
          {columns.map((c) => (
            <th key={c.header} scope="col" className="nhsuk-table__header">
              {c.hiddenHeader ? <span className="nhsuk-u-visually-hidden">{c.header}</span> : c.header}
            </th>
          ))}
        </Table.Row>
      </Table.Head>
      <Table.Body>
        {rows.map((row) => (
          <Table.Row key={rowKey(row)} data-testid={rowTestId}>
            {columns.map((c) => (
              <Table.Cell key={c.header}>{c.cell(row)}</Table.Cell>
            ))}
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}
