/**
 * Every string a patient or carer reads, in one place, ready for translation (issue 14, "Language and
 * access"). Plain English, NHS content style: short sentences, "you", no clinical jargon. A translation
 * is another object of the same type; `{name}` placeholders are filled by {@link format}.
 *
 * Console (staff) screens keep their own strings; only patient-facing text belongs here.
 */
export const EN_GB = {
  'service.name': 'Vigil: tell your care team',
  'page.skipLink': 'Skip to main content',
  'page.footer': 'This service is run by your NHS virtual ward.',
  'page.emergency':
    'If you or the person you care for is seriously ill or injured and their life is at risk, call 999.',
  'page.signOut': 'Sign out',
  'page.errorSummaryTitle': 'There is a problem',
  'page.errorPrefix': 'Error:',

  'signIn.title': 'Sign in with your code',
  'signIn.lead': 'Your virtual ward gave you a code by text message or on a letter.',
  'signIn.codeLabel': 'Your code',
  'signIn.codeHint': 'For example, KX7P-4MRT-Q9. It has 10 letters and numbers.',
  'signIn.continue': 'Continue',
  'signIn.codeMissing': 'Enter your code',
  'signIn.codeWrong':
    'This code does not work. Check it and try again, or phone your virtual ward for a new code.',
  'signIn.tooMany':
    'You have tried too many times. Wait 15 minutes and try again, or phone your virtual ward.',
  'signIn.expired': 'Your sign-in has ended. Enter your code again.',

  'confirm.title': 'Check this is the right person',
  'confirm.lead': 'You are about to answer questions for:',
  'confirm.bornOn': 'Born {date}',
  'confirm.whoLabel': 'Who is filling this in?',
  'confirm.whoPatient': 'I am {name}',
  'confirm.whoCarer': 'I am a carer, family member or friend of {name}',
  'confirm.whoMissing': 'Select who is filling this in',
  'confirm.notThem': 'This is not the right person',
  'confirm.notThemHelp':
    'Do not answer any questions. Phone your virtual ward and tell them the code is for the wrong person.',
  'confirm.continue': 'Continue',

  'home.title': 'How is {name} today?',
  'home.titleSelf': 'How are you today?',
  'home.lead': 'Answer these questions so your care team knows how things are. It takes about 2 minutes.',
  'home.afterFall': 'Has {name} had a fall?',
  'home.afterFallLink': 'Answer questions about a fall',
  'home.lastSent': 'You last sent answers on {date}.',

  'form.yes': 'Yes',
  'form.no': 'No',
  'form.notSure': 'Not sure',
  'form.optional': '(optional)',
  'form.send': 'Send to the care team',
  'form.answerMissing': 'Select an answer',
  'form.errorFor': '{question}: {error}',
  'form.numberInvalid': 'Enter a number, like {example}',
  'form.numberRange': 'Enter a number between {min} and {max}. If you are not sure, leave it empty.',
  'form.readingsTitle': 'Readings',
  'form.readingsLead':
    'Only fill these in if you took the reading yourself in the last hour, without a connected device.',

  'done.title': 'Thank you. Your answers have been sent',
  'done.lead': 'Your care team will look at them. They will contact you if they need to.',
  'done.sentAt': 'Sent on {date}.',
  'done.again': 'Answer the questions again',
  'done.call999':
    'Call 999 now. Tell them what is happening. Then tell your virtual ward when it is safe to do so.',
  'done.call999Title': 'Call 999 now',
  'done.callWard': 'Phone your virtual ward now and tell them how {name} is.',
  'done.callWardTitle': 'Phone your virtual ward now',

  'fall.title': 'Questions after a fall',
  'fall.lead': 'Answer these questions about the fall. If someone is badly hurt, call 999 first.',

  'q.newConfusion': 'Is {name} more confused than usual, or confused in a new way?',
  'q.newConfusion.hint':
    'For example, not knowing where they are, saying things that do not make sense, or being very sleepy or hard to wake. Answer no if they are as they usually are.',
  'q.breathless': 'Is {name} more out of breath than usual?',
  'q.breathless.hint': 'For example, out of breath when talking, or when sitting still.',
  'q.breathlessAtRest': 'Is {name} out of breath when sitting still or unable to finish a sentence?',
  'q.chestPain': 'Does {name} have pain or tightness in their chest now?',
  'q.chestPain.hint': 'This includes pain that spreads to the arm, neck, jaw or back.',
  'q.onOxygen': 'Is {name} using oxygen from a machine or a cylinder right now?',
  'q.onOxygen.hint': 'Answer no if they have oxygen at home but are not using it now.',
  'q.cough': 'Is {name} coughing up more phlegm (mucus) than usual, or phlegm of a different colour?',
  'q.fever': 'Does {name} feel hot and shivery?',
  'q.eatingDrinking': 'Is {name} eating and drinking less than usual?',
  'q.mobility': 'Is {name} finding it harder than usual to move around?',
  'q.ankleSwelling': 'Are {name}’s ankles, legs or tummy more swollen than usual?',
  'q.sleepFlat': 'Does {name} need more pillows than usual to breathe in bed?',
  'q.inhaler': 'Is {name} using their reliever inhaler more than usual?',
  'q.mood': 'Has {name} felt low, anxious or not themselves this week?',
  'q.medicines': 'Has {name} been able to take their medicines as usual this week?',
  'q.selfHarm': 'Has {name} had thoughts of harming themselves?',
  'q.selfHarm.hint': 'It is OK to answer yes. Your care team will help.',
  'q.fall.headInjury': 'Did {name} hit their head?',
  'q.fall.getUp': 'Could {name} get up without help?',
  'q.fall.pain': 'Is {name} in a lot of pain, or unable to move an arm or leg?',
  'q.fall.bloodThinners': 'Does {name} take medicine to thin the blood (such as warfarin or apixaban)?',
  'q.fall.longLie': 'Was {name} on the floor for more than 1 hour?',
  'q.fall.since': 'Since the fall, is {name} more confused or sleepy than before?',
  'q.fall.injured': 'Did {name} hurt themselves in the fall?',
  'q.fall.injured.hint': 'For example, a cut, a bruise, a swelling, or pain anywhere.',
  'q.fall.whatHappened': 'What happened?',
  'q.fall.whatHappened.hint':
    'For example, where {name} was, what they were doing, and whether they tripped, slipped, or felt dizzy or faint first.',
  'fall.detected': 'A fall was noticed on {date}. These questions are about that fall.',
  'form.textTooLong': 'Use {max} characters or fewer',

  'reading.temperature': 'Temperature (°C)',
  'reading.temperature.example': '37.2',
  'reading.heartRate': 'Pulse (beats a minute)',
  'reading.heartRate.example': '78',
  'reading.spo2': 'Oxygen level (SpO2, %)',
  'reading.spo2.example': '96',
  'reading.systolicBp': 'Blood pressure: top number (mmHg)',
  'reading.systolicBp.example': '128',
  'reading.diastolicBp': 'Blood pressure: bottom number (mmHg)',
  'reading.diastolicBp.example': '82',
  'reading.bodyWeight': 'Weight (kg)',
  'reading.bodyWeight.example': '72.4',
} as const;

export type MessageKey = keyof typeof EN_GB;
export type Messages = Readonly<Record<MessageKey, string>>;

/** The one catalogue today; a translation adds an entry. */
export const MESSAGES: Readonly<Record<string, Messages>> = { 'en-GB': EN_GB };
export const DEFAULT_LOCALE = 'en-GB';

/** The catalogue for a locale (the default when there is none for it). */
export function messagesFor(locale: string | undefined): Messages {
  return (locale && MESSAGES[locale]) || EN_GB;
}

/** Fills `{name}` placeholders; a placeholder without a value is left as it is (visible in tests). */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    params[key] === undefined ? whole : String(params[key]),
  );
}
