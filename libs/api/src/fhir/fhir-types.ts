/**
 * The subset of FHIR R4 the export produces. `@medplum/fhirtypes` is not installed (only `@medplum/core`,
 * whose declarations import it), so these are declared locally; field names and cardinalities follow the
 * R4 specification, and the tests validate every produced resource against the R4 definitions.
 */

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
}

export interface Reference {
  /** A literal reference: here always `urn:uuid:…`, the `fullUrl` of another entry in the same bundle. */
  reference?: string;
  type?: string;
  /** A logical reference to something not in the bundle (a user, an observation outside the window). */
  identifier?: Identifier;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Annotation {
  authorString?: string;
  authorReference?: Reference;
  time?: string;
  text: string;
}

export interface Meta {
  profile?: string[];
  lastUpdated?: string;
}

export interface HumanName {
  use?: 'usual' | 'official' | 'temp' | 'nickname' | 'anonymous' | 'old' | 'maiden';
  text?: string;
  family?: string;
  given?: string[];
}

interface ResourceBase {
  id?: string;
  meta?: Meta;
}

export interface Patient extends ResourceBase {
  resourceType: 'Patient';
  identifier?: Identifier[];
  active?: boolean;
  name?: HumanName[];
  birthDate?: string;
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueInteger?: number;
  dataAbsentReason?: CodeableConcept;
  interpretation?: CodeableConcept[];
}

export type ObservationStatus = 'registered' | 'preliminary' | 'final' | 'amended' | 'cancelled';

export interface Observation extends ResourceBase {
  resourceType: 'Observation';
  identifier?: Identifier[];
  status: ObservationStatus;
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: string;
  issued?: string;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueInteger?: number;
  valueBoolean?: boolean;
  dataAbsentReason?: CodeableConcept;
  interpretation?: CodeableConcept[];
  note?: Annotation[];
  device?: Reference;
  derivedFrom?: Reference[];
  component?: ObservationComponent[];
}

export interface Device extends ResourceBase {
  resourceType: 'Device';
  identifier?: Identifier[];
  status?: 'active' | 'inactive' | 'entered-in-error' | 'unknown';
  serialNumber?: string;
  deviceName?: { name: string; type: 'udi-label-name' | 'user-friendly-name' | 'model-name' | 'other' }[];
  type?: CodeableConcept;
  version?: { value: string }[];
}

export interface Organization extends ResourceBase {
  resourceType: 'Organization';
  identifier?: Identifier[];
  active?: boolean;
  name?: string;
}

export interface Flag extends ResourceBase {
  resourceType: 'Flag';
  identifier?: Identifier[];
  status: 'active' | 'inactive' | 'entered-in-error';
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  period?: Period;
}

export type TaskStatus =
  | 'draft'
  | 'requested'
  | 'received'
  | 'accepted'
  | 'rejected'
  | 'ready'
  | 'cancelled'
  | 'in-progress'
  | 'on-hold'
  | 'failed'
  | 'completed'
  | 'entered-in-error';

export interface Task extends ResourceBase {
  resourceType: 'Task';
  identifier?: Identifier[];
  partOf?: Reference[];
  status: TaskStatus;
  businessStatus?: CodeableConcept;
  intent: 'unknown' | 'proposal' | 'plan' | 'order' | 'original-order' | 'reflex-order' | 'filler-order';
  priority?: 'routine' | 'urgent' | 'asap' | 'stat';
  code?: CodeableConcept;
  description?: string;
  focus?: Reference;
  for?: Reference;
  executionPeriod?: Period;
  authoredOn?: string;
  lastModified?: string;
  requester?: Reference;
  owner?: Reference;
  reasonCode?: CodeableConcept;
  note?: Annotation[];
}

export interface Communication extends ResourceBase {
  resourceType: 'Communication';
  identifier?: Identifier[];
  partOf?: Reference[];
  status:
    'preparation' | 'in-progress' | 'not-done' | 'on-hold' | 'stopped' | 'completed' | 'entered-in-error';
  category?: CodeableConcept[];
  priority?: 'routine' | 'urgent' | 'asap' | 'stat';
  subject?: Reference;
  about?: Reference[];
  sent?: string;
  recipient?: Reference[];
  sender?: Reference;
  reasonCode?: CodeableConcept[];
  payload?: { contentString: string }[];
}

/** Every resource type the export can emit. */
export type ExportedResource = Patient | Observation | Device | Organization | Flag | Task | Communication;

export interface BundleEntry<R extends ExportedResource = ExportedResource> {
  fullUrl: string;
  resource: R;
  search?: { mode: 'match' | 'include' | 'outcome' };
}

export interface Bundle {
  resourceType: 'Bundle';
  id?: string;
  meta?: Meta;
  type: 'searchset' | 'collection';
  timestamp?: string;
  total?: number;
  entry: BundleEntry[];
}
