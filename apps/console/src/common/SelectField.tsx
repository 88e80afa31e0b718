import { Select } from 'nhsuk-react-components';

export interface Choice {
  value: string;
  label: string;
}

/** The shared form layer's select (issue 13): NHS label, hint and error wired to the control by id. */
export function SelectField({
  id,
  label,
  hint,
  error,
  value,
  choices,
  onChange,
  placeholder,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
  /** A first, empty choice ("Select …") that counts as no answer. */
  placeholder?: string;
}) {
  return (
    <Select
      id={id}
      name={id}
      label={label}
      hint={hint}
      error={error}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {placeholder !== undefined && <Select.Option value="">{placeholder}</Select.Option>}
      {choices.map((c) => (
        <Select.Option key={c.value} value={c.value}>
          {c.label}
        </Select.Option>
      ))}
    </Select>
  );
}
