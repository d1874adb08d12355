// Package labels names in Italian the codes Traguardo stores: the actions
// and kinds of record of the audit log and of the variations, the fields of
// each kind of record, the polarities of an indicator and the codes of an
// access entry. There is one table per kind of code, and every page that
// shows a code (the audit log, the variations, the plan forms) reads it here,
// so the same code always reads the same way.
//
// The codes are the constants of internal/audit, which the store writes and
// the pages read; the store never needs their names: it does not import
// this package. A test goes through the constants and fails for one without
// a name here.
package labels

import (
	"traguardo/internal/audit"
	"traguardo/internal/domain"
)

// actions name what an audit entry or a variation records.
var actions = map[audit.Action]string{
	audit.Create:          "Aggiunta",
	audit.Update:          "Modifica",
	audit.Delete:          "Eliminazione",
	audit.Move:            "Spostamento",
	audit.Import:          "Importazione del ciclo da file",
	audit.ImportPlan:      "Caricamento del piano da foglio di calcolo",
	audit.Approve:         "Approvazione del piano",
	audit.CorrectApproval: "Correzione dell'atto di approvazione",
	audit.CarryOver:       "Riporto dal ciclo precedente",
	audit.ResetPassword:   "Reimpostazione della password",
	audit.ChangePassword:  "Cambio della password",
	audit.SetActive:       "Attivazione o disattivazione",
	audit.SignIn:          "Accesso",
	audit.SignOut:         "Uscita",
	audit.SignInFailed:    "Accesso non riuscito",
	audit.PasswordFailed:  "Password attuale errata al cambio password",
	audit.Throttled:       "Tentativi bloccati (troppi errori)",
	audit.SignInOIDC:      "Accesso con il fornitore di identità",
	audit.SignInRefused:   "Accesso con il fornitore di identità rifiutato",
	audit.LinkOIDC:        "Collegamento dell'account all'identità del fornitore",
	// Monitoring review.
	audit.Submit:            "Invio del monitoraggio al direttore",
	audit.Return:            "Restituzione del monitoraggio con commento",
	audit.ApproveSubmission: "Approvazione del monitoraggio",
	audit.Reopen:            "Riapertura del periodo per un centro",
	audit.SaveProgress:      "Salvataggio dell'avanzamento",
	audit.CorrectProgress:   "Correzione dell'avanzamento da parte del direttore",
	// The Relazione and the Nucleo.
	audit.SendReport:     "Invio della relazione al Nucleo di Valutazione",
	audit.CommentReport:  "Commento del Nucleo su un obiettivo",
	audit.AnswerComment:  "Risposta del direttore a un commento del Nucleo",
	audit.ValidateReport: "Validazione della relazione da parte del Nucleo",

	// The mid-year monitoring report.
	audit.SendMonitoring:    "Invio del monitoraggio intermedio al Nucleo di Valutazione",
	audit.ObserveMonitoring: "Osservazioni del Nucleo sul monitoraggio intermedio",
}

// entities name the kinds of record.
var entities = map[audit.Entity]string{
	audit.Organisation:  "Ente",
	audit.Cycle:         "Ciclo",
	audit.Period:        "Periodo di monitoraggio",
	audit.Centre:        "Centro di responsabilità",
	audit.Objective:     "Obiettivo",
	audit.Activity:      "Attività",
	audit.Indicator:     "Indicatore",
	audit.User:          "Utente",
	audit.Access:        "Accessi",
	audit.Submission:    "Monitoraggio di un centro",
	audit.Reopening:     "Riapertura di un periodo",
	audit.Progress:      "Avanzamento dell'obiettivo",
	audit.ReportTexts:   "Testi della Relazione sulla Performance",
	audit.Report:        "Relazione sulla Performance",
	audit.ReportComment: "Commento del Nucleo sulla relazione",
	audit.LegalNotices:  "Dichiarazione di accessibilità e informativa privacy",
	audit.PublicValues:  "Valore pubblico delle aree strategiche",

	// The mid-year monitoring report.
	audit.MonitoringReport:      "Monitoraggio intermedio inviato al Nucleo",
	audit.MonitoringObservation: "Osservazione del Nucleo sul monitoraggio intermedio",
}

// ActionLabel is the Italian name of an action code; a code without one is
// returned as it is (a test keeps that from happening).
func ActionLabel(code audit.Action) string { return orCode(actions, code) }

// HasAction reports whether an action code has an Italian name.
func HasAction(code audit.Action) bool { _, ok := actions[code]; return ok }

// EntityLabel is the Italian name of a kind of record; a code without one is
// returned as it is (a test keeps that from happening).
func EntityLabel(code audit.Entity) string { return orCode(entities, code) }

// HasEntity reports whether a kind of record has an Italian name.
func HasEntity(code audit.Entity) bool { _, ok := entities[code]; return ok }

func orCode[K ~string](m map[K]string, code K) string {
	if l, ok := m[code]; ok {
		return l
	}
	return string(code)
}

// Kind says how the value of a field reads.
type Kind int

// The kinds of field value.
const (
	// Hidden is an internal field (an id, a reference, a version): not shown.
	Hidden Kind = iota
	Text
	// Markup is rich text: shown without its tags.
	Markup
	// Number is a figure, written the Italian way (1.234,5).
	Number
	// Year is a year, written without a thousands separator.
	Year
	// Position counts from 0 in the store and from 1 for people.
	Position
	// Month is the first day of a month (2023-03-01): "marzo 2023".
	Month
	// Day is a day (2023-03-31): 31/03/2023; a list of days reads as a list.
	Day
	// YesNo is true or false: sì or no.
	YesNo
	// Polarity is higher or lower.
	Polarity
	// Unit is an indicator's unit, shown as the plan writes it.
	Unit
	// Expected is an indicator's expected value: "si"/"no" for a si/no unit.
	Expected
	// Role is a role code of internal/auth.
	Role
	// Group is an objective's cross-cutting group, whose id means nothing to
	// people: only whether there is one, and whether it changed.
	Group
	// Centres are organisational centre ids, shown by name.
	Centres
	// ThrottleLimit is which ceiling of failed attempts was reached.
	ThrottleLimit
	// AccessForm is the form where a password was typed.
	AccessForm
	// Refusal is why a sign-in with the identity provider was refused.
	Refusal
	// SubmissionState is the state of a monitoring submission
	// (plan.SubmissionState), shown by its name.
	SubmissionState
	// ProgressValues are an objective's indicator entries at a period
	// (name, unit, value or "non rilevabile", reason), one line each.
	ProgressValues
	// ProgressActivities are an objective's activities' actual months at a
	// period (position, months, reason), one line each.
	ProgressActivities
)

// Field is a field of a kind of record, as an audit snapshot or a variation
// holds it.
type Field struct {
	Key   audit.Key
	Label string
	Kind  Kind
}

// fields are the fields of each kind of record, in the order shown. Every
// key a snapshot may hold is here, an internal one as Hidden: a test checks
// the columns of the plan tables against this table.
var fields = map[audit.Entity][]Field{
	audit.Organisation: {{audit.KeyName, "Nome", Text}},
	audit.Cycle: {
		{audit.KeyYear, "Anno", Year}, {audit.KeyFrom, "Dal ciclo", Year},
		{audit.KeyBandReached, "Soglia di raggiungimento", Number}, {audit.KeyBandPartial, "Soglia di parziale raggiungimento", Number},
		{audit.KeyRounding, "Arrotondamento", Text}, {audit.KeyAchievementCap, "Tetto del grado di raggiungimento", Number},
		{audit.KeyApprovalAct, "Atto di approvazione", Text}, {audit.KeyApprovedOn, "Data di approvazione", Day},
		{audit.KeyPeriods, "Periodi di monitoraggio", Day}, {audit.KeyCentres, "Centri di responsabilità", Number},
		{audit.KeyGroups, "Gruppi di obiettivi trasversali", Number}, {audit.KeyObjectives, "Obiettivi", Number},
		{audit.KeyActivities, "Attività", Number}, {audit.KeyIndicators, "Indicatori", Number},
		{audit.KeyPublicValues, "Aree strategiche con valore pubblico", Number},
		{audit.KeyVersion, "", Hidden},
	},
	audit.Period: {
		{audit.KeyEndsOn, "Fine del periodo", Day}, {audit.KeyValues, "Valori consuntivi", Number},
		{audit.KeyProgress, "Consuntivi delle attività", Number}, {audit.KeyReports, "Report", Number},
		{audit.KeyOpensOn, "Apertura della finestra di inserimento", Day}, {audit.KeyClosesOn, "Chiusura della finestra di inserimento", Day},
	},
	audit.Submission: {
		{audit.KeyState, "Stato", SubmissionState}, {audit.KeyComment, "Commento del direttore", Text},
		{audit.KeyPeriodID, "", Hidden}, {audit.KeyCycleCentreID, "", Hidden}, {audit.KeyVersion, "", Hidden},
	},
	audit.Reopening: {
		{audit.KeyUntil, "Riaperto fino al", Day}, {audit.KeyReason, "Motivo", Text},
		{audit.KeyPeriodID, "", Hidden}, {audit.KeyCycleCentreID, "", Hidden},
	},
	audit.Centre: {
		{audit.KeyName, "Nome", Text}, {audit.KeyManager, "Responsabile", Text}, {audit.KeyPosition, "Posizione", Position},
		{audit.KeyObjectives, "Obiettivi", Number}, {audit.KeyVersion, "", Hidden},
	},
	audit.Objective: {
		{audit.KeySection, "Sezione", Text}, {audit.KeyNumber, "Numero", Number}, {audit.KeyTitle, "Titolo", Text},
		{audit.KeyStrategicArea, "Area strategica", Text}, {audit.KeyOperationalObjective, "Obiettivo operativo", Text},
		{audit.KeyPEGProject, "Progetto PEG", Text}, {audit.KeyServices, "Servizi interessati", Text},
		{audit.KeyEndUsers, "Utenti finali", Text}, {audit.KeyNetworks, "Reti di collaborazione", Text},
		{audit.KeyDescriptionHTML, "Descrizione", Markup}, {audit.KeyWeight, "Peso", Number},
		{audit.KeyGroupID, "Gruppo trasversale", Group}, {audit.KeyPosition, "Posizione", Position},
		{audit.KeyID, "", Hidden}, {audit.KeyCycleID, "", Hidden}, {audit.KeyCycleCentreID, "", Hidden}, {audit.KeyVersion, "", Hidden},
	},
	audit.Activity: {
		{audit.KeyDescription, "Descrizione", Text}, {audit.KeyPlannedFrom, "Inizio previsto", Month},
		{audit.KeyPlannedTo, "Fine prevista", Month}, {audit.KeyPlannedAnnual, "Per tutto l'anno", YesNo},
		{audit.KeyPosition, "Posizione", Position},
		{audit.KeyID, "", Hidden}, {audit.KeyObjectiveID, "", Hidden}, {audit.KeyVersion, "", Hidden},
	},
	audit.Indicator: {
		{audit.KeyName, "Nome", Text}, {audit.KeyDescription, "Descrizione", Text}, {audit.KeyUnit, "Unità di misura", Unit},
		{audit.KeyPolarity, "Polarità", Polarity}, {audit.KeyWeight, "Peso", Number}, {audit.KeyExpected, "Valore atteso", Expected},
		{audit.KeyNeutralisedReason, "Motivo della sterilizzazione", Text}, {audit.KeyNeutralisedBy, "Sterilizzato da", Role},
		{audit.KeyOverridePct, "Grado di raggiungimento stabilito dal direttore", Number},
		{audit.KeyOverrideReason, "Motivo del grado stabilito dal direttore", Text},
		{audit.KeyPeriodOverrides, "Gradi stabiliti dal direttore per un solo periodo", Text},
		{audit.KeyTargets, "Target intermedi", Text}, {audit.KeyPosition, "Posizione", Position},
		{audit.KeyID, "", Hidden}, {audit.KeyObjectiveID, "", Hidden}, {audit.KeyVersion, "", Hidden},
	},
	audit.Progress: {
		{audit.KeyEndsOn, "Periodo", Day}, {audit.KeyValues, "Valori", ProgressValues}, {audit.KeyActivities, "Consuntivi delle attività", ProgressActivities},
		{audit.KeyStatus, "Stato", Text}, {audit.KeyTextHTML, "Report", Markup},
		{audit.KeyID, "", Hidden}, {audit.KeyObjectiveID, "", Hidden}, {audit.KeyPeriodID, "", Hidden}, {audit.KeyVersion, "", Hidden},
		// The fields of each entry of Values and Activities, which those
		// kinds write out.
		{audit.KeyName, "", Hidden}, {audit.KeyUnit, "", Hidden}, {audit.KeyValue, "", Hidden}, {audit.KeyNotMeasurable, "", Hidden},
		{audit.KeyReason, "", Hidden}, {audit.KeyPosition, "", Hidden}, {audit.KeyFrom, "", Hidden}, {audit.KeyTo, "", Hidden},
		{audit.KeyAnnual, "", Hidden}, {audit.KeyYear, "", Hidden},
	},
	audit.ReportTexts: {
		{audit.KeyIntroductionHTML, "Introduzione", Markup}, {audit.KeyContextHTML, "Contesto e risorse", Markup},
		{audit.KeyGenderHTML, "Bilancio di genere", Markup}, {audit.KeyProcessHTML, "Il processo di misurazione e valutazione", Markup},
		{audit.KeyVersion, "", Hidden},
	},
	audit.Report: {
		{audit.KeyYear, "Anno", Year}, {audit.KeyNumber, "Versione", Number}, {audit.KeyState, "Stato", Text},
		{audit.KeyOpenPoints, "Punti aperti confermati dal direttore", Text},
		{audit.KeyValidatedOn, "Data della validazione", Day}, {audit.KeyValidationHTML, "Documento di validazione", Markup},
		{audit.KeyPDFSHA256, "SHA-256 del PDF", Text}, {audit.KeyJSONSHA256, "SHA-256 dei dati (JSON)", Text},
	},
	audit.ReportComment: {
		{audit.KeyObjectiveLabel, "Obiettivo", Text}, {audit.KeyBody, "Commento", Text}, {audit.KeyAnswer, "Risposta del direttore", Text},
		{audit.KeyReportID, "", Hidden}, {audit.KeyObjectiveID, "", Hidden}, {audit.KeyVersion, "", Hidden},
	},
	audit.MonitoringReport: {
		{audit.KeyYear, "Anno", Year}, {audit.KeyEndsOn, "Periodo al", Day}, {audit.KeyNumber, "Invio n.", Number},
		{audit.KeyPDFSHA256, "SHA-256 del PDF", Text}, {audit.KeyPeriodID, "", Hidden},
	},
	audit.MonitoringObservation: {
		{audit.KeyEndsOn, "Periodo al", Day}, {audit.KeyNumber, "Invio n.", Number}, {audit.KeyTextHTML, "Osservazioni", Markup},
		{audit.KeyReportID, "", Hidden},
	},
	audit.LegalNotices: {
		{audit.KeyStatus, "Stato di conformità", Text}, {audit.KeyNonAccessible, "Contenuti non accessibili", Text},
		{audit.KeyPreparedOn, "Data di redazione", Day}, {audit.KeyReviewedOn, "Data dell'ultimo riesame", Day},
		{audit.KeyAssessment, "Metodo di valutazione", Text}, {audit.KeyFeedbackEmail, "E-mail per le segnalazioni", Text},
		{audit.KeySiteURL, "Indirizzo dell'applicazione", Text}, {audit.KeyOrganisationInfo, "Informazioni sull'ente", Text},
		{audit.KeyController, "Titolare del trattamento", Text}, {audit.KeyControllerContact, "Recapiti del titolare", Text},
		{audit.KeyDPOContact, "Contatti del Responsabile della protezione dei dati", Text},
		{audit.KeyRecipients, "Destinatari dei dati", Text}, {audit.KeyRetention, "Periodo di conservazione", Text},
		{audit.KeyVersion, "", Hidden},
	},
	audit.PublicValues: {
		{audit.KeyPublicValues, "Valore pubblico per area strategica", Text}, {audit.KeyVersion, "", Hidden},
	},
	audit.User: {
		{audit.KeyEmail, "Email", Text}, {audit.KeyName, "Nome", Text}, {audit.KeyRole, "Ruolo", Role},
		{audit.KeyCentres, "Centri di responsabilità", Centres}, {audit.KeyActive, "Attivo", YesNo},
		{audit.KeyIssuer, "Fornitore di identità", Text}, {audit.KeySubject, "Identificativo presso il fornitore", Text},
		{audit.KeyVersion, "", Hidden},
	},
	audit.Access: {
		{audit.KeyEmail, "Email", Text}, {audit.KeyAddress, "Indirizzo", Text},
		{audit.KeyLimit, "Limite raggiunto", ThrottleLimit}, {audit.KeyForm, "Modulo", AccessForm},
		{audit.KeyReason, "Motivo del rifiuto", Refusal}, {audit.KeySubject, "Identificativo presso il fornitore", Text},
	},
}

// Fields returns the fields of a kind of record in the order shown,
// including the hidden ones.
func Fields(entity audit.Entity) []Field { return fields[entity] }

// FieldOf returns the field key of a kind of record, and whether the table
// has it.
func FieldOf(entity audit.Entity, key audit.Key) (Field, bool) {
	for _, f := range fields[entity] {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// polarities name the two polarities, in the order a form offers them.
var polarities = []struct {
	code  domain.Polarity
	label string
}{
	{domain.Higher, "Più alto è meglio"},
	{domain.Lower, "Più basso è meglio"},
}

// Polarities returns the polarities in the order a form offers them.
func Polarities() []domain.Polarity {
	out := make([]domain.Polarity, len(polarities))
	for i, p := range polarities {
		out[i] = p.code
	}
	return out
}

// PolarityLabel is the Italian name of a polarity: "Più alto è meglio".
func PolarityLabel(p domain.Polarity) string {
	for _, q := range polarities {
		if q.code == p {
			return q.label
		}
	}
	return string(p)
}

// throttleLimits name the ceilings of failed attempts (store.Throttled.Limit).
var throttleLimits = map[audit.Limit]string{
	audit.LimitPair:    "troppi errori per lo stesso account dallo stesso indirizzo",
	audit.LimitAccount: "troppi errori per lo stesso account, da qualunque indirizzo",
	audit.LimitAddress: "troppi errori dallo stesso indirizzo, per qualunque account",
	audit.LimitDevice:  "troppi errori per lo stesso account da un dispositivo già usato per accedere",
}

// accessForms name the forms where a password is typed (store.FormSignIn, store.FormPassword).
var accessForms = map[string]string{
	"sign-in":  "accesso",
	"password": "cambio della password",
}

// ThrottleLimitLabel says in words which ceiling of failed attempts was reached.
func ThrottleLimitLabel(code audit.Limit) string { return orCode(throttleLimits, code) }

// HasThrottleLimit reports whether a ceiling code has an Italian name.
func HasThrottleLimit(code audit.Limit) bool { _, ok := throttleLimits[code]; return ok }

// AccessFormLabel names the form where a password was typed.
func AccessFormLabel(code string) string { return orCode(accessForms, code) }

// HasAccessForm reports whether a form code has an Italian name.
func HasAccessForm(code string) bool { _, ok := accessForms[code]; return ok }

// refusals say why a sign-in with the identity provider was refused.
var refusals = map[audit.Refusal]string{
	audit.RefusalUnknownEmail:    "nessun account abilitato ha l'email comunicata dal fornitore",
	audit.RefusalUnverifiedEmail: "il fornitore non ha comunicato un'email verificata",
	audit.RefusalState:           "risposta del fornitore non attesa (accesso non avviato da questo browser, scaduto o già concluso)",
	audit.RefusalToken:           "codice o token d'identità non valido (firma, emittente, destinatario, scadenza o nonce)",
	audit.RefusalInactive:        "account disattivato",
	audit.RefusalSubject:         "l'account è collegato a un'altra identità del fornitore",
	audit.RefusalProvider:        "il fornitore non ha concesso l'accesso",
}

// RefusalLabel says in words why a sign-in with the provider was refused.
func RefusalLabel(code audit.Refusal) string { return orCode(refusals, code) }

// HasRefusal reports whether a refusal code has an Italian name.
func HasRefusal(code audit.Refusal) bool { _, ok := refusals[code]; return ok }
