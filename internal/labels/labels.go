// Package labels names in Italian the codes Traguardo stores: the actions
// and kinds of record of the audit log and of the variations, the fields of
// each kind of record, the polarities of an indicator and the codes of an
// access entry. There is one table per kind of code, and every page that
// shows a code (the audit log, the variations, the plan forms) reads it here,
// so the same code always reads the same way.
//
// The store writes the codes and never needs their names: it does not import
// this package. A test lists the codes the store writes and fails for one
// without a name here.
package labels

import "traguardo/internal/domain"

// actions name what an audit entry or a variation records.
var actions = map[string]string{
	"create":           "Aggiunta",
	"update":           "Modifica",
	"delete":           "Eliminazione",
	"move":             "Spostamento",
	"import":           "Importazione del ciclo da file",
	"import-plan":      "Caricamento del piano da foglio di calcolo",
	"approve":          "Approvazione del piano",
	"correct-approval": "Correzione dell'atto di approvazione",
	"carry-over":       "Riporto dal ciclo precedente",
	"reset-password":   "Reimpostazione della password",
	"change-password":  "Cambio della password",
	"set-active":       "Attivazione o disattivazione",
	"sign-in":          "Accesso",
	"sign-out":         "Uscita",
	"sign-in-failed":   "Accesso non riuscito",
	"password-failed":  "Password attuale errata al cambio password",
	"throttled":        "Tentativi bloccati (troppi errori)",
	// Monitoring review.
	"submit":             "Invio del monitoraggio al direttore",
	"return":             "Restituzione del monitoraggio con commento",
	"approve-submission": "Approvazione del monitoraggio",
	"reopen":             "Riapertura del periodo per un centro",
	"save-progress":      "Salvataggio dell'avanzamento",
	"correct-progress":   "Correzione dell'avanzamento da parte del direttore",
	// The Relazione and the Nucleo.
	"send-report":     "Invio della relazione al Nucleo di Valutazione",
	"comment-report":  "Commento del Nucleo su un obiettivo",
	"answer-comment":  "Risposta del direttore a un commento del Nucleo",
	"validate-report": "Validazione della relazione da parte del Nucleo",
}

// entities name the kinds of record.
var entities = map[string]string{
	"organisation":   "Ente",
	"cycle":          "Ciclo",
	"period":         "Periodo di monitoraggio",
	"centre":         "Centro di responsabilità",
	"objective":      "Obiettivo",
	"activity":       "Attività",
	"indicator":      "Indicatore",
	"user":           "Utente",
	"access":         "Accessi",
	"submission":     "Monitoraggio di un centro",
	"reopening":      "Riapertura di un periodo",
	"progress":       "Avanzamento dell'obiettivo",
	"report_texts":   "Testi della Relazione sulla Performance",
	"report":         "Relazione sulla Performance",
	"report_comment": "Commento del Nucleo sulla relazione",
}

// ActionLabel is the Italian name of an action code; a code without one is
// returned as it is (a test keeps that from happening).
func ActionLabel(code string) string { return orCode(actions, code) }

// HasAction reports whether an action code has an Italian name.
func HasAction(code string) bool { _, ok := actions[code]; return ok }

// EntityLabel is the Italian name of a kind of record; a code without one is
// returned as it is (a test keeps that from happening).
func EntityLabel(code string) string { return orCode(entities, code) }

// HasEntity reports whether a kind of record has an Italian name.
func HasEntity(code string) bool { _, ok := entities[code]; return ok }

func orCode(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
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
)

// Field is a field of a kind of record, as an audit snapshot or a variation
// holds it.
type Field struct {
	Key   string
	Label string
	Kind  Kind
}

// fields are the fields of each kind of record, in the order shown. Every
// key a snapshot may hold is here, an internal one as Hidden: a test checks
// the columns of the plan tables against this table.
var fields = map[string][]Field{
	"organisation": {{"name", "Nome", Text}},
	"cycle": {
		{"year", "Anno", Year}, {"from", "Dal ciclo", Year},
		{"band_reached", "Soglia di raggiungimento", Number}, {"band_partial", "Soglia di parziale raggiungimento", Number},
		{"rounding", "Arrotondamento", Text}, {"achievement_cap", "Tetto del grado di raggiungimento", Number},
		{"approval_act", "Atto di approvazione", Text}, {"approved_on", "Data di approvazione", Day},
		{"periods", "Periodi di monitoraggio", Day}, {"centres", "Centri di responsabilità", Number},
		{"groups", "Gruppi di obiettivi trasversali", Number}, {"objectives", "Obiettivi", Number},
		{"activities", "Attività", Number}, {"indicators", "Indicatori", Number},
		{"version", "", Hidden},
	},
	"period": {
		{"ends_on", "Fine del periodo", Day}, {"values", "Valori consuntivi", Number},
		{"progress", "Consuntivi delle attività", Number}, {"reports", "Report", Number},
		{"opens_on", "Apertura della finestra di inserimento", Day}, {"closes_on", "Chiusura della finestra di inserimento", Day},
	},
	"submission": {
		{"state", "Stato", Text}, {"comment", "Commento del direttore", Text},
		{"period_id", "", Hidden}, {"cycle_centre_id", "", Hidden}, {"version", "", Hidden},
	},
	"reopening": {
		{"until", "Riaperto fino al", Day}, {"reason", "Motivo", Text},
		{"period_id", "", Hidden}, {"cycle_centre_id", "", Hidden},
	},
	"centre": {
		{"name", "Nome", Text}, {"manager", "Responsabile", Text}, {"position", "Posizione", Position},
		{"objectives", "Obiettivi", Number}, {"version", "", Hidden},
	},
	"objective": {
		{"section", "Sezione", Text}, {"number", "Numero", Number}, {"title", "Titolo", Text},
		{"strategic_area", "Area strategica", Text}, {"operational_objective", "Obiettivo operativo", Text},
		{"peg_project", "Progetto PEG", Text}, {"services", "Servizi interessati", Text},
		{"end_users", "Utenti finali", Text}, {"networks", "Reti di collaborazione", Text},
		{"description_html", "Descrizione", Markup}, {"weight", "Peso", Number},
		{"group_id", "Gruppo trasversale", Group}, {"position", "Posizione", Position},
		{"id", "", Hidden}, {"cycle_id", "", Hidden}, {"cycle_centre_id", "", Hidden}, {"version", "", Hidden},
	},
	"activity": {
		{"description", "Descrizione", Text}, {"planned_from", "Inizio previsto", Month},
		{"planned_to", "Fine prevista", Month}, {"planned_annual", "Per tutto l'anno", YesNo},
		{"position", "Posizione", Position},
		{"id", "", Hidden}, {"objective_id", "", Hidden}, {"version", "", Hidden},
	},
	"indicator": {
		{"name", "Nome", Text}, {"description", "Descrizione", Text}, {"unit", "Unità di misura", Unit},
		{"polarity", "Polarità", Polarity}, {"weight", "Peso", Number}, {"expected", "Valore atteso", Expected},
		{"neutralised_reason", "Motivo della sterilizzazione", Text}, {"neutralised_by", "Sterilizzato da", Role},
		{"override_pct", "Grado di raggiungimento stabilito dal direttore", Number},
		{"override_reason", "Motivo del grado stabilito dal direttore", Text},
		{"targets", "Target intermedi", Text}, {"position", "Posizione", Position},
		{"id", "", Hidden}, {"objective_id", "", Hidden}, {"version", "", Hidden},
	},
	"progress": {
		{"ends_on", "Periodo", Day}, {"values", "Valori", Text}, {"activities", "Consuntivi delle attività", Text},
		{"status", "Stato", Text}, {"text_html", "Report", Markup},
		{"id", "", Hidden}, {"objective_id", "", Hidden}, {"period_id", "", Hidden}, {"version", "", Hidden},
	},
	"report_texts": {
		{"introduction_html", "Introduzione", Markup}, {"context_html", "Contesto e risorse", Markup},
		{"gender_html", "Bilancio di genere", Markup}, {"process_html", "Il processo di misurazione e valutazione", Markup},
		{"version", "", Hidden},
	},
	"report": {
		{"year", "Anno", Year}, {"number", "Versione", Number}, {"state", "Stato", Text},
		{"open_points", "Punti aperti confermati dal direttore", Text},
		{"validated_on", "Data della validazione", Day}, {"validation_html", "Documento di validazione", Markup},
		{"pdf_sha256", "SHA-256 del PDF", Text}, {"json_sha256", "SHA-256 dei dati (JSON)", Text},
	},
	"report_comment": {
		{"objective_label", "Obiettivo", Text}, {"body", "Commento", Text}, {"answer", "Risposta del direttore", Text},
		{"report_id", "", Hidden}, {"objective_id", "", Hidden}, {"version", "", Hidden},
	},
	"user": {
		{"email", "Email", Text}, {"name", "Nome", Text}, {"role", "Ruolo", Role},
		{"centres", "Centri di responsabilità", Centres}, {"active", "Attivo", YesNo},
		{"version", "", Hidden},
	},
	"access": {
		{"email", "Email", Text}, {"address", "Indirizzo", Text},
		{"limit", "Limite raggiunto", ThrottleLimit}, {"form", "Modulo", AccessForm},
	},
}

// Fields returns the fields of a kind of record in the order shown,
// including the hidden ones.
func Fields(entity string) []Field { return fields[entity] }

// FieldOf returns the field key of a kind of record, and whether the table
// has it.
func FieldOf(entity, key string) (Field, bool) {
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
var throttleLimits = map[string]string{
	"pair":    "troppi errori per lo stesso account dallo stesso indirizzo",
	"account": "troppi errori per lo stesso account, da qualunque indirizzo",
	"address": "troppi errori dallo stesso indirizzo, per qualunque account",
}

// accessForms name the forms where a password is typed (store.FormSignIn, store.FormPassword).
var accessForms = map[string]string{
	"sign-in":  "accesso",
	"password": "cambio della password",
}

// ThrottleLimitLabel says in words which ceiling of failed attempts was reached.
func ThrottleLimitLabel(code string) string { return orCode(throttleLimits, code) }

// HasThrottleLimit reports whether a ceiling code has an Italian name.
func HasThrottleLimit(code string) bool { _, ok := throttleLimits[code]; return ok }

// AccessFormLabel names the form where a password was typed.
func AccessFormLabel(code string) string { return orCode(accessForms, code) }

// HasAccessForm reports whether a form code has an Italian name.
func HasAccessForm(code string) bool { _, ok := accessForms[code]; return ok }
