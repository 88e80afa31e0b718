import { Tag } from 'nhsuk-react-components';
import { presentBand } from './news2';

interface Props {
  total: number | null;
  band: 'low' | 'low-medium' | 'medium' | 'high' | null;
  partial: boolean;
  missing?: readonly string[];
  /** N1: lowest–highest when air or oxygen is unknown on SpO2 scale 2 (scores only; alerts carry the highest). */
  range?: { lowest: number; highest: number } | null;
}

/** NEWS2 as words in a tag; a partial score carries a visible "Partial" marker and what is missing. */
export function News2Tag(props: Props) {
  const p = presentBand(props);
  return (
    <span className="vigil-news2">
      <Tag modifier={p.colour}>{p.text}</Tag>
      {p.partial && (
        <span className="vigil-news2__partial">
          <strong className="nhsuk-tag nhsuk-tag--white vigil-partial-marker">Partial</strong> {p.missingText}
        </span>
      )}
    </span>
  );
}
