import {
  type Advice,
  type AnswerError,
  format,
  formatDate,
  formatDateTime,
  type MessageKey,
  type Messages,
  type Questionnaire,
} from '@vigil/questionnaires';

/**
 * The patient and carer page (issue 14), rendered on the server as plain HTML forms in the NHS design
 * system's markup: no JavaScript at all (0 bytes: works on any phone, with any screen reader), one
 * stylesheet. Every word comes from the `@vigil/questionnaires` catalogue; every date is Europe/London.
 */

export const PATIENT_BASE = '/p';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export interface PageContext {
  m: Messages;
  /** The anti-forgery token of the session's forms (absent before sign-in). */
  formToken?: string;
  signedIn: boolean;
}

const t = (ctx: PageContext, key: MessageKey, params?: Record<string, string | number>) =>
  esc(format(ctx.m[key], params));

function layout(ctx: PageContext, title: string, body: string, hasErrors = false): string {
  const signOut = ctx.signedIn
    ? `<form method="post" action="${PATIENT_BASE}/sign-out" class="vigil-signout">${hidden(ctx)}
         <button type="submit" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small">${t(ctx, 'page.signOut')}</button></form>`
    : '';
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${hasErrors ? `${t(ctx, 'page.errorPrefix')} ` : ''}${esc(title)} - ${t(ctx, 'service.name')}</title>
<link rel="stylesheet" href="${PATIENT_BASE}/assets/nhsuk.css">
<link rel="stylesheet" href="${PATIENT_BASE}/assets/patient.css">
</head>
<body>
<a class="nhsuk-skip-link" href="#maincontent">${t(ctx, 'page.skipLink')}</a>
<header class="nhsuk-header" role="banner">
  <div class="nhsuk-header__container nhsuk-width-container">
    <div class="nhsuk-header__service"><span class="nhsuk-header__service-name vigil-service-name">${t(ctx, 'service.name')}</span></div>
  </div>
</header>
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper" id="maincontent" tabindex="-1">
<div class="nhsuk-grid-row"><div class="nhsuk-grid-column-two-thirds">
${body}
</div></div>
</main>
</div>
<footer role="contentinfo" class="vigil-footer"><div class="nhsuk-width-container">
<p class="nhsuk-body-s">${t(ctx, 'page.emergency')}</p>
<p class="nhsuk-body-s">${t(ctx, 'page.footer')}</p>
${signOut}
</div></footer>
</body>
</html>`;
}

function hidden(ctx: PageContext): string {
  return ctx.formToken ? `<input type="hidden" name="_form" value="${esc(ctx.formToken)}">` : '';
}

function errorSummary(ctx: PageContext, errors: { href: string; text: string }[]): string {
  if (errors.length === 0) return '';
  return `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
  <h2 class="nhsuk-error-summary__title" id="error-summary-title">${t(ctx, 'page.errorSummaryTitle')}</h2>
  <div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list">
  ${errors.map((e) => `<li><a href="${esc(e.href)}">${esc(e.text)}</a></li>`).join('\n')}
  </ul></div></div>`;
}

function errorMessage(ctx: PageContext, id: string, text: string | undefined): string {
  return text
    ? `<span class="nhsuk-error-message" id="${id}-error"><span class="nhsuk-u-visually-hidden">${t(ctx, 'page.errorPrefix')}</span> ${esc(text)}</span>`
    : '';
}

// --- Sign in ------------------------------------------------------------------------------------------------

export function signInPage(ctx: PageContext, state: { error?: MessageKey; value?: string } = {}): string {
  const error = state.error ? format(ctx.m[state.error]) : undefined;
  const body = `${errorSummary(ctx, error ? [{ href: '#code', text: error }] : [])}
<h1 class="nhsuk-heading-l">${t(ctx, 'signIn.title')}</h1>
<p>${t(ctx, 'signIn.lead')}</p>
<form method="post" action="${PATIENT_BASE}/sign-in" novalidate>
  <div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
    <label class="nhsuk-label nhsuk-label--m" for="code">${t(ctx, 'signIn.codeLabel')}</label>
    <div class="nhsuk-hint" id="code-hint">${t(ctx, 'signIn.codeHint')}</div>
    ${errorMessage(ctx, 'code', error)}
    <input class="nhsuk-input nhsuk-input--width-10 vigil-code${error ? ' nhsuk-input--error' : ''}" id="code" name="code" type="text"
      autocomplete="one-time-code" autocapitalize="characters" spellcheck="false"
      aria-describedby="code-hint${error ? ' code-error' : ''}" value="${esc(state.value ?? '')}">
  </div>
  <button type="submit" class="nhsuk-button">${t(ctx, 'signIn.continue')}</button>
</form>`;
  return layout(ctx, format(ctx.m['signIn.title']), body, Boolean(error));
}

// --- Confirm the patient ---------------------------------------------------------------------------------------

export interface PatientShown {
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
}

export function confirmPage(ctx: PageContext, patient: PatientShown, error?: boolean): string {
  const name = `${patient.givenName} ${patient.familyName}`;
  const msg = error ? format(ctx.m['confirm.whoMissing']) : undefined;
  const option = (value: string, label: string) => `
      <div class="nhsuk-radios__item">
        <input class="nhsuk-radios__input" id="who-${value}" name="who" type="radio" value="${value}">
        <label class="nhsuk-label nhsuk-radios__label" for="who-${value}">${label}</label>
      </div>`;
  const body = `${errorSummary(ctx, msg ? [{ href: '#who-patient', text: msg }] : [])}
<h1 class="nhsuk-heading-l">${t(ctx, 'confirm.title')}</h1>
<p>${t(ctx, 'confirm.lead')}</p>
<div class="nhsuk-inset-text vigil-patient-card">
  <p class="nhsuk-heading-m vigil-patient-name">${esc(name)}</p>
  ${patient.dateOfBirth ? `<p>${t(ctx, 'confirm.bornOn', { date: formatDate(patient.dateOfBirth) })}</p>` : ''}
</div>
<form method="post" action="${PATIENT_BASE}/confirm" novalidate>${hidden(ctx)}
  <div class="nhsuk-form-group${msg ? ' nhsuk-form-group--error' : ''}">
    <fieldset class="nhsuk-fieldset"${msg ? ' aria-describedby="who-error"' : ''}>
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">${t(ctx, 'confirm.whoLabel')}</legend>
      ${errorMessage(ctx, 'who', msg)}
      <div class="nhsuk-radios">
      ${option('patient', t(ctx, 'confirm.whoPatient', { name }))}
      ${option('carer', t(ctx, 'confirm.whoCarer', { name }))}
      <div class="nhsuk-radios__divider">or</div>
      ${option('not-them', t(ctx, 'confirm.notThem'))}
      </div>
    </fieldset>
  </div>
  <button type="submit" class="nhsuk-button">${t(ctx, 'confirm.continue')}</button>
</form>`;
  return layout(ctx, format(ctx.m['confirm.title']), body, Boolean(msg));
}

export function notThemPage(ctx: PageContext): string {
  const body = `<h1 class="nhsuk-heading-l">${t(ctx, 'confirm.notThem')}</h1>
<div class="nhsuk-warning-callout"><h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>${t(ctx, 'confirm.notThem')}</span></h2>
<p>${t(ctx, 'confirm.notThemHelp')}</p></div>`;
  return layout({ ...ctx, signedIn: false }, format(ctx.m['confirm.notThem']), body);
}

// --- Questionnaire ------------------------------------------------------------------------------------------------

export function questionnairePage(
  ctx: PageContext,
  q: Questionnaire,
  opts: {
    name: string;
    self: boolean;
    action: string;
    values?: Readonly<Record<string, unknown>>;
    errors?: readonly AnswerError[];
    lastSentAt?: Date | null;
    fallLink?: string;
    /** When the fall these questions are about was noticed (a post-fall questionnaire with a fall alert). */
    fallAt?: Date | null;
  },
): string {
  const values = opts.values ?? {};
  const errors = new Map((opts.errors ?? []).map((e) => [e.questionId, format(ctx.m[e.message], e.params)]));
  const title =
    q.title === 'home.title' && opts.self
      ? format(ctx.m['home.titleSelf'])
      : format(ctx.m[q.title], { name: opts.name });
  const yesNo = q.questions
    .map((question) => {
      const id = question.id;
      const error = errors.get(id);
      const described = [question.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
        .filter(Boolean)
        .join(' ');
      const choices: [string, MessageKey][] = [
        ['yes', 'form.yes'],
        ['no', 'form.no'],
        ...(question.notSure ? ([['not-sure', 'form.notSure']] as [string, MessageKey][]) : []),
      ];
      return `<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <fieldset class="nhsuk-fieldset"${described ? ` aria-describedby="${described}"` : ''}>
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${t(ctx, question.text, { name: opts.name })}</legend>
    ${question.hint ? `<div class="nhsuk-hint" id="${id}-hint">${t(ctx, question.hint, { name: opts.name })}</div>` : ''}
    ${errorMessage(ctx, id, error)}
    <div class="nhsuk-radios nhsuk-radios--inline">
    ${choices
      .map(
        ([value, label], i) => `<div class="nhsuk-radios__item">
      <input class="nhsuk-radios__input" id="${i === 0 ? id : `${id}-${value}`}" name="${id}" type="radio" value="${value}"${values[id] === value ? ' checked' : ''}>
      <label class="nhsuk-label nhsuk-radios__label" for="${i === 0 ? id : `${id}-${value}`}">${t(ctx, label)}</label>
    </div>`,
      )
      .join('\n    ')}
    </div>
  </fieldset>
</div>`;
    })
    .join('\n');
  const readings =
    q.readings.length === 0
      ? ''
      : `<h2 class="nhsuk-heading-m">${t(ctx, 'form.readingsTitle')}</h2>
<p class="nhsuk-body">${t(ctx, 'form.readingsLead')}</p>
${q.readings
  .map((r) => {
    const error = errors.get(r.id);
    const value = typeof values[r.id] === 'string' ? (values[r.id] as string) : '';
    return `<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <label class="nhsuk-label" for="${r.id}">${t(ctx, r.label)} <span class="nhsuk-u-secondary-text-color">${t(ctx, 'form.optional')}</span></label>
  ${errorMessage(ctx, r.id, error)}
  <input class="nhsuk-input nhsuk-input--width-4${error ? ' nhsuk-input--error' : ''}" id="${r.id}" name="${r.id}" type="text"
    inputmode="${r.decimals > 0 ? 'decimal' : 'numeric'}" autocomplete="off" spellcheck="false"${error ? ` aria-describedby="${r.id}-error"` : ''} value="${esc(value)}">
</div>`;
  })
  .join('\n')}`;
  const texts = (q.texts ?? [])
    .map((x) => {
      const error = errors.get(x.id);
      const value = typeof values[x.id] === 'string' ? (values[x.id] as string) : '';
      const described = [x.hint ? `${x.id}-hint` : '', error ? `${x.id}-error` : '']
        .filter(Boolean)
        .join(' ');
      return `<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <label class="nhsuk-label nhsuk-label--s" for="${x.id}">${t(ctx, x.label, { name: opts.name })} <span class="nhsuk-u-secondary-text-color">${t(ctx, 'form.optional')}</span></label>
  ${x.hint ? `<div class="nhsuk-hint" id="${x.id}-hint">${t(ctx, x.hint, { name: opts.name })}</div>` : ''}
  ${errorMessage(ctx, x.id, error)}
  <textarea class="nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}" id="${x.id}" name="${x.id}" rows="4" maxlength="${x.maxLength}"${described ? ` aria-describedby="${described}"` : ''}>${esc(value)}</textarea>
</div>`;
    })
    .join('\n');
  // The summary names each question, so a screen reader user hears what to fix without moving around.
  const labelOf = (id: string): string => {
    const question = q.questions.find((x) => x.id === id);
    if (question) return format(ctx.m[question.text], { name: opts.name });
    const text = q.texts?.find((x) => x.id === id);
    if (text) return format(ctx.m[text.label], { name: opts.name });
    const reading = q.readings.find((x) => x.id === id);
    return reading ? format(ctx.m[reading.label]) : id;
  };
  const summary = errorSummary(
    ctx,
    [...errors.entries()].map(([id, text]) => ({
      href: `#${id}`,
      text: format(ctx.m['form.errorFor'], { question: labelOf(id), error: text }),
    })),
  );
  const body = `${summary}
<h1 class="nhsuk-heading-l">${esc(title)}</h1>
<p>${t(ctx, q.lead)}</p>
${opts.fallAt ? `<div class="nhsuk-inset-text" data-testid="fall-detected"><p>${t(ctx, 'fall.detected', { date: formatDateTime(opts.fallAt) })}</p></div>` : ''}
${opts.lastSentAt ? `<p class="nhsuk-body-s">${t(ctx, 'home.lastSent', { date: formatDateTime(opts.lastSentAt) })}</p>` : ''}
<form method="post" action="${esc(opts.action)}" novalidate>${hidden(ctx)}
${yesNo}
${texts}
${readings}
<button type="submit" class="nhsuk-button">${t(ctx, 'form.send')}</button>
</form>
${
  opts.fallLink
    ? `<h2 class="nhsuk-heading-m">${t(ctx, 'home.afterFall', { name: opts.name })}</h2>
<p><a class="nhsuk-link" href="${esc(opts.fallLink)}">${t(ctx, 'home.afterFallLink')}</a></p>`
    : ''
}`;
  return layout(ctx, title, body, errors.size > 0);
}

// --- Sent ------------------------------------------------------------------------------------------------------

export function donePage(ctx: PageContext, opts: { advice: Advice; sentAt: Date; name: string }): string {
  const urgent =
    opts.advice === 'call-999'
      ? `<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--emergency"><div class="nhsuk-card--care__heading-container">
  <h2 class="nhsuk-card--care__heading"><span role="text"><span class="nhsuk-u-visually-hidden">Emergency advice: </span>${t(ctx, 'done.call999Title')}</span></h2>
  <span class="nhsuk-card--care__arrow" aria-hidden="true"></span></div>
  <div class="nhsuk-card__content"><p>${t(ctx, 'done.call999')}</p></div></div>`
      : opts.advice === 'call-ward'
        ? `<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--urgent"><div class="nhsuk-card--care__heading-container">
  <h2 class="nhsuk-card--care__heading"><span role="text"><span class="nhsuk-u-visually-hidden">Urgent advice: </span>${t(ctx, 'done.callWardTitle')}</span></h2>
  <span class="nhsuk-card--care__arrow" aria-hidden="true"></span></div>
  <div class="nhsuk-card__content"><p>${t(ctx, 'done.callWard', { name: opts.name })}</p></div></div>`
        : '';
  const body = `<div class="nhsuk-panel vigil-confirmation" role="status">
<h1 class="nhsuk-heading-l">${t(ctx, 'done.title')}</h1>
<p>${t(ctx, 'done.sentAt', { date: formatDateTime(opts.sentAt) })}</p>
</div>
${urgent}
<p>${t(ctx, 'done.lead')}</p>
<p><a class="nhsuk-link" href="${PATIENT_BASE}/check-in">${t(ctx, 'done.again')}</a></p>`;
  return layout(ctx, format(ctx.m['done.title']), body);
}

/** The page's own few rules beside the NHS stylesheet: large targets, the footer, the code field. */
export const PATIENT_CSS = `
.vigil-service-name { color: #fff; font-weight: 600; font-size: 1.1875rem; }
.vigil-footer { border-top: 4px solid #005eb8; background: #f0f4f5; padding: 16px 0 24px; margin-top: 32px; }
.vigil-code { font-family: monospace; letter-spacing: 0.1em; text-transform: uppercase; font-size: 1.5rem; }
.vigil-patient-card p { margin-bottom: 8px; }
.vigil-confirmation { background: #007f3b; color: #fff; padding: 24px; margin-bottom: 24px; }
.vigil-confirmation h1, .vigil-confirmation p { color: #fff; }
.nhsuk-button { min-height: 48px; }
.nhsuk-radios__label { min-height: 44px; }
@media (max-width: 40em) { .nhsuk-button { width: 100%; } }
`;
