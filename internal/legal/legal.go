// Package legal holds the two notices every public body publishes for an
// application: the accessibility statement (dichiarazione di accessibilità,
// L. 4/2004, in the structure of the AgID model) and the privacy notice
// (informativa, art. 13 GDPR). It knows their default text, written from
// what this application does today, and the rules of the administrator's
// form; the store keeps what the administrator saved, the pages show it.
//
// Every text is plain text: paragraphs are separated by a blank line, and
// the pages escape it, so nothing typed can become markup or a link (the
// feedback address alone is shown as a mailto link, after its check).
package legal

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"traguardo/internal/auth"
	"traguardo/internal/names"
	"traguardo/internal/plan"
)

// Status is the compliance of the application with L. 4/2004 (the
// requirements of Annex A of UNI CEI EN 301549), in the AgID model's words;
// the value is what the database keeps.
type Status string

// The statuses.
const (
	Compliant    Status = "conforme"
	Partial      Status = "parzialmente conforme"
	NonCompliant Status = "non conforme"
)

// Statuses lists every status, in the order the form offers them.
func Statuses() []Status { return []Status{Compliant, Partial, NonCompliant} }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Label is the status as the statement's sentence reads it.
func (s Status) Label() string { return string(s) }

// Notices are the structured parts of the two notices; the sentences
// around them (the law, the rights, the AgID procedure) are the pages'.
type Notices struct {
	// The accessibility statement.
	Status        Status
	NonAccessible string    // the content that is not accessible, and why
	PreparedOn    time.Time // the day the statement was prepared (a day, UTC)
	ReviewedOn    time.Time // the day it was last reviewed
	Assessment    string    // how compliance was assessed
	FeedbackEmail string    // the feedback mechanism's address ("": not given yet)
	SiteURL       string    // the address the statement applies to ("": the application by name)
	Organisation  string    // information on the body (office, responsabile per la transizione digitale...)

	// The privacy notice.
	Controller        string // the data controller: the body
	ControllerContact string // its address, PEC, telephone
	DPOContact        string // how to reach the data protection officer ("": not given yet)
	Recipients        string // who receives the data
	Retention         string // how long each kind of data is kept

	// Version counts the saves; 0 is the defaults, never saved.
	Version int
	// Body is the organisation's name as the installation has it ("" when
	// it has none yet): not part of the form.
	Body string
}

// Saved reports whether the administrator ever saved the notices: until
// then the pages show the defaults.
func (n Notices) Saved() bool { return n.Version > 0 }

// DraftedOn is the day the default statement was written, from a
// self-assessment of this version of the application: its dates until the
// administrator saves the body's own.
var DraftedOn = time.Date(2026, time.December, 7, 0, 0, 0, 0, time.UTC)

// Default are the notices of an installation whose administrator has not
// saved them: the AgID model's and art. 13's structure, filled with the
// organisation's name ("" when the installation has none yet) and what the
// application does today. The feedback address and the DPO's contacts are
// the body's to give: they are left empty, and the pages say where to find
// them meanwhile.
func Default(organisation string) Notices {
	controller := strings.TrimSpace(organisation)
	if controller == "" {
		controller = "L'ente che utilizza l'applicazione"
	}
	return Notices{
		Body:   strings.TrimSpace(organisation),
		Status: Partial,
		NonAccessible: "Inosservanza della legge 4/2004: i documenti della Relazione sulla Performance scaricabili nei formati " +
			"DOCX, ODT, XLSX e CSV sono prodotti automaticamente e non sono stati verificati con strumenti di controllo " +
			"dell'accessibilità; il PDF è prodotto con la struttura dei titoli e i segnalibri (PDF con tag), ma non è " +
			"stato verificato rispetto alla norma PDF/UA.\n\n" +
			"Gli stessi contenuti sono consultabili nella pagina web della Relazione, che rispetta i requisiti.",
		PreparedOn: DraftedOn,
		ReviewedOn: DraftedOn,
		Assessment: "Autovalutazione effettuata direttamente dal soggetto erogatore. Le pagine dell'applicazione sono " +
			"verificate automaticamente a ogni modifica del software, in un browser reale, su schermi di computer " +
			"(1366 pixel) e di telefono (390 pixel), con axe-core rispetto ai criteri di successo WCAG 2.1 di livello " +
			"A e AA richiamati dalla norma UNI CEI EN 301549; grafici e tabelle hanno un'alternativa testuale.",
		Controller: controller,
		Recipients: "I dati sono trattati dal personale dell'ente autorizzato al trattamento, secondo il ruolo assegnato " +
			"a ciascun account, e dal Nucleo di Valutazione (o OIV) per i compiti previsti dal D.Lgs. 150/2009. " +
			"Possono venirne a conoscenza i fornitori che gestiscono l'infrastruttura e la manutenzione " +
			"dell'applicazione, designati responsabili del trattamento ai sensi dell'art. 28 del Regolamento.\n\n" +
			"La Relazione sulla Performance validata e i relativi dati aperti sono pubblicati nella pagina pubblica di " +
			"trasparenza, come prevede il D.Lgs. 33/2013; i dati aperti non contengono i nomi dei responsabili, i loro " +
			"report né i commenti.",
		Retention: "Gli account del personale sono conservati finché servono al ciclo della performance; un account non " +
			"più necessario viene disattivato e resta registrato, perché il registro delle modifiche lo richiama.\n\n" +
			"Il registro delle modifiche (chi ha modificato che cosa e quando, gli accessi e i tentativi di accesso non " +
			"riusciti con l'indirizzo IP) e i dati del ciclo della performance sono conservati per il tempo previsto dal " +
			"piano di conservazione dell'ente per la documentazione del ciclo della performance.\n\n" +
			"La sessione termina all'uscita, dopo 30 minuti di inattività o al più dopo 12 ore; il cookie che riconosce " +
			"un browser già usato per accedere dura 180 giorni; un modulo conservato alla scadenza della sessione è " +
			"cancellato dopo 2 ore.",
	}
}

// Limits of the fields.
const (
	// MaxText bounds a text of the notices (a few pages of prose).
	MaxText = 20_000
	// MaxLine bounds a one-line field: the controller, the address.
	MaxLine = 2_000
)

// Form is the administrator's form as typed; Check reads it.
type Form struct {
	Status, NonAccessible, PreparedOn, ReviewedOn, Assessment, FeedbackEmail, SiteURL, Organisation string
	Controller, ControllerContact, DPOContact, Recipients, Retention                                string
}

// FormOf is n as the form shows it.
func FormOf(n Notices) Form {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return Form{Status: string(n.Status), NonAccessible: n.NonAccessible, PreparedOn: day(n.PreparedOn),
		ReviewedOn: day(n.ReviewedOn), Assessment: n.Assessment, FeedbackEmail: n.FeedbackEmail, SiteURL: n.SiteURL,
		Organisation: n.Organisation, Controller: n.Controller, ControllerContact: n.ControllerContact,
		DPOContact: n.DPOContact, Recipients: n.Recipients, Retention: n.Retention}
}

// The form's field names, which are also the store's columns.
const (
	FieldStatus            = "status"
	FieldNonAccessible     = "non_accessible"
	FieldPreparedOn        = "prepared_on"
	FieldReviewedOn        = "reviewed_on"
	FieldAssessment        = "assessment"
	FieldFeedbackEmail     = "feedback_email"
	FieldSiteURL           = "site_url"
	FieldOrganisation      = "organisation_info"
	FieldController        = "controller"
	FieldControllerContact = "controller_contact"
	FieldDPOContact        = "dpo_contact"
	FieldRecipients        = "recipients"
	FieldRetention         = "retention"
)

// Check reads the form against the rules and returns the notices, with the
// Italian message of each field in error (none: the notices may be saved).
// today bounds the dates: a statement is not prepared or reviewed in the
// future. The texts are trimmed, their line ends made "\n"; the address is
// normalised like every e-mail address of the application.
func Check(f Form, today time.Time, parseDay func(string) (time.Time, error)) (Notices, map[string]string) {
	errs := map[string]string{}
	text := func(field, value string, max int, required string) string {
		value = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(value, "\r\n", "\n"), "\r", "\n"))
		switch {
		case value == "" && required != "":
			errs[field] = required
		case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
			errs[field] = "Il testo contiene caratteri non ammessi."
		default:
			if msg := plan.TooLong(value, max); msg != "" {
				errs[field] = "T" + strings.TrimPrefix(msg, "t") + "."
			}
		}
		return value
	}
	day := func(field, value, missing string) time.Time {
		value = strings.TrimSpace(value)
		if value == "" {
			errs[field] = missing
			return time.Time{}
		}
		t, err := parseDay(value)
		if err != nil {
			errs[field] = "Data non valida: usare il formato gg/mm/aaaa."
			return time.Time{}
		}
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if t.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
			errs[field] = "La data non può essere successiva a oggi."
		}
		return t
	}
	n := Notices{Status: Status(strings.TrimSpace(f.Status))}
	if !n.Status.Valid() {
		errs[FieldStatus] = "Scegliere lo stato di conformità."
	}
	n.NonAccessible = text(FieldNonAccessible, f.NonAccessible, MaxText, "")
	if n.Status.Valid() && n.Status != Compliant && n.NonAccessible == "" && errs[FieldNonAccessible] == "" {
		errs[FieldNonAccessible] = "Un'applicazione " + n.Status.Label() + " deve elencare i contenuti non accessibili e i motivi."
	}
	n.PreparedOn = day(FieldPreparedOn, f.PreparedOn, "Inserire la data di redazione della dichiarazione.")
	n.ReviewedOn = day(FieldReviewedOn, f.ReviewedOn, "Inserire la data dell'ultimo riesame.")
	if errs[FieldPreparedOn] == "" && errs[FieldReviewedOn] == "" && n.ReviewedOn.Before(n.PreparedOn) {
		errs[FieldReviewedOn] = "L'ultimo riesame non può precedere la redazione della dichiarazione."
	}
	n.Assessment = text(FieldAssessment, f.Assessment, MaxText, "Indicare come è stata valutata la conformità (ad esempio: autovalutazione).")
	n.FeedbackEmail = names.Email(f.FeedbackEmail)
	if n.FeedbackEmail == "" {
		errs[FieldFeedbackEmail] = "Inserire l'indirizzo e-mail a cui segnalare i problemi di accessibilità."
	} else if msg := auth.CheckEmail(n.FeedbackEmail); msg != "" {
		errs[FieldFeedbackEmail] = msg
	}
	n.SiteURL = text(FieldSiteURL, f.SiteURL, MaxLine, "")
	if n.SiteURL != "" && errs[FieldSiteURL] == "" && !webAddress(n.SiteURL) {
		errs[FieldSiteURL] = "L'indirizzo non è valido: deve iniziare con https:// (o http://) seguito dal nome del sito."
	}
	n.Organisation = text(FieldOrganisation, f.Organisation, MaxText, "")
	n.Controller = text(FieldController, f.Controller, MaxLine, "Indicare il titolare del trattamento (l'ente).")
	n.ControllerContact = text(FieldControllerContact, f.ControllerContact, MaxText, "")
	n.DPOContact = text(FieldDPOContact, f.DPOContact, MaxText, "Indicare i dati di contatto del Responsabile della protezione dei dati.")
	n.Recipients = text(FieldRecipients, f.Recipients, MaxText, "Indicare i destinatari dei dati.")
	n.Retention = text(FieldRetention, f.Retention, MaxText, "Indicare per quanto tempo sono conservati i dati.")
	return n, errs
}

// webAddress reports whether s is an absolute http(s) address with a host,
// nothing else: the page links to it.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil &&
		!strings.ContainsAny(s, " \t\n<>\"'\\")
}

// Paragraphs splits a text of the notices into its paragraphs (separated
// by a blank line), each a list of lines.
func Paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, lines)
		}
	}
	return out
}
