export {
  NEWS2_INPUT_FIELDS,
  NEWS2_SCORER_VERSION,
  clinicalResponse,
  scoreNews2,
  type Acvpu,
  type ClinicalResponse,
  type News2Band,
  type News2Input,
  type News2Result,
  type ObservationFrequency,
  type ResponseLevel,
} from './news2/news2';
export {
  formatNhsNumber,
  isValidNhsNumber,
  nhsNumberCheckDigit,
  normaliseNhsNumber,
} from './nhs-number/nhs-number';
