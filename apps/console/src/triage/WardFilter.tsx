import type { Ward } from '@vigil/contracts';

interface Props {
  wards: Ward[];
  value: string;
  onChange: (wardId: string) => void;
}

/** Shown only to users with several wards: one ward's queue or all of them. */
export function WardFilter({ wards, value, onChange }: Props) {
  return (
    <div className="nhsuk-form-group">
      <label className="nhsuk-label" htmlFor="ward-filter">
        Ward
      </label>
      <select
        className="nhsuk-select"
        id="ward-filter"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">All my wards</option>
        {wards.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}
