// Package paths builds the application's URLs: the one place that knows
// them, for the server's redirects and the pages' links alike. The route
// patterns they match are in internal/server/routes.go.
package paths

import (
	"fmt"
	"strconv"
	"time"

	"traguardo/internal/domain"
)

// Cycle is the page of the cycle of year; the pages of its records are below it.
func Cycle(year int) string { return "/cicli/" + strconv.Itoa(year) }

// Centre is the page of a centre of the cycle (its cycle_centres row), with
// its objectives; its edit and delete pages are below it.
func Centre(year int, id domain.CycleCentreID) string {
	return fmt.Sprintf("%s/centri/%d", Cycle(year), id)
}

// CentreAnchor is a centre's row in the index of centres on the cycle page.
func CentreAnchor(year int, id domain.CycleCentreID) string {
	return Cycle(year) + "#" + CentreSection(id)
}

// CentreSection is the id of a centre's row on the cycle page.
func CentreSection(id domain.CycleCentreID) string { return fmt.Sprintf("centro-%d", id) }

// Objectives is the list of the objectives of the cycle of year, filtered
// and searched by its query parameters (see ObjectivesPage).
func Objectives(year int) string { return Cycle(year) + "/obiettivi" }

// Dashboard is the cruscotto of the cycle of year: its figures at a glance,
// each linked to the list behind it.
func Dashboard(year int) string { return Cycle(year) + "/cruscotto" }

// Objective is the page of an objective.
func Objective(year int, id int64) string { return fmt.Sprintf("%s/obiettivi/%d", Cycle(year), id) }

// Activity is an activity: its edit, delete and move actions are below it.
func Activity(year int, id int64) string { return fmt.Sprintf("%s/attivita/%d", Cycle(year), id) }

// Indicator is an indicator: its edit, delete and move actions are below it.
func Indicator(year int, id int64) string { return fmt.Sprintf("%s/indicatori/%d", Cycle(year), id) }

// Monitoring is the overview of every centre × period of the cycle of year.
func Monitoring(year int) string { return Cycle(year) + "/monitoraggio" }

// Submission is the page of a centre's monitoring for a period: its state,
// and the submit, return, approve and reopen actions below it.
func Submission(year int, periodID int64, centre domain.CycleCentreID) string {
	return fmt.Sprintf("%s/%d/centri/%d", Monitoring(year), periodID, centre)
}

// Window is the page that sets a period's entry window.
func Window(year int, periodID int64) string {
	return fmt.Sprintf("%s/periodi/%d/finestra", Cycle(year), periodID)
}

// Notifications is the signed-in user's list of notifications.
const Notifications = "/notifiche"

// AsOf is a page of the cycle (the cycle's or an objective's) with its
// figures as of the period ending on day.
func AsOf(page string, day time.Time) string { return page + "?al=" + day.Format(time.DateOnly) }

// AsOfOrPlain is AsOf, or page itself when day is zero (no period).
func AsOfOrPlain(page string, day time.Time) string {
	if day.IsZero() {
		return page
	}
	return AsOf(page, day)
}

// MyAreas is a manager's landing: the centres he or she enters progress for.
const MyAreas = "/mie-aree"

// Progress is the entry form of an objective's progress at a period.
func Progress(year int, objectiveID, periodID int64) string {
	return fmt.Sprintf("%s/periodi/%d/avanzamento", Objective(year, objectiveID), periodID)
}

// Measure is the page where an indicator is neutralised or its achievement
// set by the director.
func Measure(year int, indicatorID int64) string { return Indicator(year, indicatorID) + "/misura" }

// Targets is the page that sets an indicator's intermediate targets.
func Targets(year int, indicatorID int64) string { return Indicator(year, indicatorID) + "/target" }

// Report is the Relazione sulla Performance of the cycle of year (HTML).
func Report(year int) string { return Cycle(year) + "/relazione" }

// ReportFile is the Relazione in another format: ext is pdf, docx, odt,
// xlsx or csv.
func ReportFile(year int, ext string) string { return Report(year) + "." + ext }

// StrategicAreas is the director's form of the public value (valore
// pubblico) of each strategic area of the cycle.
func StrategicAreas(year int) string { return Cycle(year) + "/aree-strategiche" }

// ReportTexts is the director's form of the Relazione's free texts.
func ReportTexts(year int) string { return Report(year) + "/testi" }

// ReportCheck is the coherence check of the Relazione.
func ReportCheck(year int) string { return Report(year) + "/verifica" }

// The Relazione's lifecycle: sending it to the Nucleo, the Nucleo's
// comments and validation, the frozen versions and their publication.

// Validation is the page of the Relazione's lifecycle in the cycle of year:
// its state, versions, comments; the actions are below it.
func Validation(year int) string { return Cycle(year) + "/validazione" }

// ValidationSend is the director's page that sends the Relazione to the Nucleo.
func ValidationSend(year int) string { return Validation(year) + "/invia" }

// ValidationDecide is the Nucleo's page that records its validation.
func ValidationDecide(year int) string { return Validation(year) + "/valida" }

// ValidationComments is where the Nucleo posts a comment on an objective.
func ValidationComments(year int) string { return Validation(year) + "/commenti" }

// CommentAnswer is where the director posts the answer to comment id.
func CommentAnswer(year int, id int64) string {
	return fmt.Sprintf("%s/%d/risposta", ValidationComments(year), id)
}

// ReportVersionFile is a frozen file (FrozenPDF, FrozenJSON) of version
// number, for the signed-in.
func ReportVersionFile(year, number int, name string) string {
	return fmt.Sprintf("%s/versioni/%d/%s", Validation(year), number, name)
}

// The names of the frozen files in their URLs.
const (
	FrozenPDF  = "relazione.pdf"
	FrozenJSON = "relazione.json"
	PublicJSON = "dati.json"
	PublicCSV  = "indicatori.csv"
)

// TransparencyIndex is the public index of the validated Relazioni of every
// year (Amministrazione Trasparente).
const TransparencyIndex = "/trasparenza"

// Transparency is the public page of the validated Relazione of year
// (Amministrazione Trasparente), open without signing in.
func Transparency(year int) string { return "/trasparenza/relazione/" + strconv.Itoa(year) }

// TransparencyFile is a public file (FrozenPDF, PublicJSON, PublicCSV) of
// validated version number.
func TransparencyFile(year, number int, name string) string {
	return fmt.Sprintf("%s/versioni/%d/%s", Transparency(year), number, name)
}

// Home is the landing page: the list of cycles.
const Home = "/"

// SignIn is the sign-in form; SignOut ends the session (POST).
const (
	SignIn  = "/accedi"
	SignOut = "/esci"
)

// SignInProvider starts a sign-in with the body's OpenID Connect provider
// (POST); the provider sends the browser back to SignInReturn with the
// answer (its redirect URI).
const (
	SignInProvider = "/accedi/oidc"
	SignInReturn   = "/accedi/oidc/ritorno"
)

// Password is the signed-in user's form to change the password.
const Password = "/profilo/password"

// Users is the admin's list of accounts, where a new one is created.
const Users = "/admin/utenti"

// User is the page of an action on the account id: "modifica",
// "password" (a reset) or "stato" (active or not).
func User(id int64, action string) string {
	return Users + "/" + strconv.FormatInt(id, 10) + "/" + action
}

// Audit is the audit log (registro delle modifiche), filtered by its
// query parameters.
const Audit = "/registro"

// NewCycle is the form of a new cycle; CycleImport takes a whole cycle as
// a JSON document; PlanTemplate is the empty workbook of a plan.
const (
	NewCycle     = "/cicli/nuovo"
	CycleImport  = "/cicli/importa"
	PlanTemplate = "/modello-piano.xlsx"
)

// NotificationsRead marks every notification of the signed-in user read
// (POST); NotificationRead marks one.
const NotificationsRead = Notifications + "/lette"

// NotificationRead marks the notification id read (POST).
func NotificationRead(id int64) string {
	return Notifications + "/" + strconv.FormatInt(id, 10) + "/letta"
}

// The legal notices: public pages, readable without signing in, and the
// administrator's form of both.
const (
	// Accessibility is the accessibility statement (L. 4/2004).
	Accessibility = "/accessibilita"
	// Privacy is the privacy notice (art. 13 GDPR).
	Privacy = "/privacy"
	// LegalNotices is the administrator's form of both.
	LegalNotices = "/admin/note-legali"
)

// Guides is the index of the guides, one per role (docs/guida); Guide is
// the guide of name (guida.Responsabile, guida.Direttore...).
const Guides = "/guida"

// Guide is the page of the guide of name.
func Guide(name string) string { return Guides + "/" + name }

// GuideSection is a section of the guide of name, by its anchor (the
// guida.Section constants).
func GuideSection(name, section string) string { return Guide(name) + "#" + section }
