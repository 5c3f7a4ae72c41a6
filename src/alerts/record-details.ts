import type { Actor } from '../access/actor';
import type { FormState } from '../conversation/form-engine';
import type { LabelledValue } from '../conversation/reply';
import type { Core } from '../core';
import { formatLondon } from '../domain/london-time';
import type { RecordEnvelope } from '../domain/record-envelope';
import type { AlertView } from './alerts.service';

/** What an alert says in a channel: never more than the AlertView holds. */
export function alertFacts(view: AlertView): LabelledValue[] {
  const facts: LabelledValue[] = [];
  if (view.reference) facts.push({ label: 'Reference', value: view.reference });
  if (view.initials) facts.push({ label: 'Initials', value: view.initials });
  if (view.level)
    facts.push({ label: 'Level', value: view.level.charAt(0).toUpperCase() + view.level.slice(1) });
  facts.push({ label: 'Raised', value: view.since });
  return facts;
}

/** A record as its form shows it, for an entitled user in a private place. */
export interface RecordDetails {
  title: string;
  reference: string;
  fields: LabelledValue[];
  sentBy: string;
  agency: string | null;
  sentAt: string;
}

function formOf(record: RecordEnvelope): string {
  if (record.type === 'risk-check') return `check-${String(record.answers.check)}`;
  if (record.type === 'return-interview') return 'interview';
  return record.type;
}

/**
 * The answers of a record with its form's labels and the engine's display of each value (the
 * summary a person checked before sending it). Unanswered questions are left out.
 */
export function recordDetails(core: Core, actor: Actor, record: RecordEnvelope): RecordDetails {
  const sent = {
    reference: record.reference,
    sentBy: record.submittedBy.name,
    agency: record.submittedBy.agency,
    sentAt: formatLondon(new Date(record.submittedAt)),
  };
  let spec: ReturnType<Core['catalogue']['spec']>;
  try {
    spec = core.catalogue.spec(formOf(record), actor);
  } catch {
    return { ...sent, title: record.reference, fields: [] };
  }
  const state: FormState = {
    formId: spec.form.id,
    phase: 'summary',
    answers: record.answers,
    skipped: [],
    history: [],
    returnToSummary: false,
  };
  const summary = core.engine.summary(spec, state);
  const noValue = core.prompts.messages.noValue;
  const fields = [...summary.fields, ...summary.notes]
    .filter((field) => field.value !== noValue)
    .map(({ label, value }) => ({ label, value }));
  return { ...sent, title: summary.title, fields };
}
