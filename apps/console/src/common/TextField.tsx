import { TextInput } from 'nhsuk-react-components';

/**
 * The shared form layer's text input (issue 13): NHS label, hint and error wired to the control by id; a
 * number is typed as text with `inputMode` (the GOV.UK and NHS pattern), and checked by the form and the api.
 */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  width,
  suffix,
  inputMode,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
  suffix?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  return (
    <TextInput
      id={id}
      name={id}
      label={label}
      hint={hint}
      error={error}
      value={value}
      width={width}
      suffix={suffix}
      inputMode={inputMode}
      spellCheck={false}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
