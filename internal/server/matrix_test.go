package server_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// routeMatrix is the access policy of every route, written out: for each
// "METHOD /pattern" of the router, the status each role gets for a request
// with real ids (year 2023, a real objective and its centre, a real user)
// and, for a form post, an empty form. A route added to the router without a
// row here fails TestRouteMatrix.
//
// The decisions:
//   - anonimo: 303 to /accedi on every route outside the public group (GET
//     with ?next=<the page asked for>).
//   - a role lacking the route's permission: 403, whatever the form.
//   - a role holding it: 200 for a page; for a form post, what the handler
//     does with an empty form: 422 and the form again where something must
//     be filled in (sign-in, password, new user, objective; a change of
//     state or a move that says neither which state nor which way); the
//     action itself where the form has nothing to fill in (a password reset
//     of another account resets it and shows the one-time password, 200;
//     deleting a record of a plan not yet approved deletes it, 303; these
//     are sent last, smallest record first: secDestructive).
//   - public: /healthz, /static/* (GET and HEAD only: the files are
//     read-only) and the sign-in form answer everybody; GET /accedi sends a
//     signed-in user home (303); POST /esci always ends the session (303 to
//     /accedi).
//   - a method the router does not serve for a pattern: 405, for everybody
//     (the subtest "other methods").
var routeMatrix = map[string]map[string]int{
	// Public.
	"GET /healthz":   {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /static/*":  {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"HEAD /static/*": {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /accedi":    {"anonimo": 200, "admin": 303, "direttore": 303, "responsabile": 303, "nucleo": 303, "osservatore": 303},
	"POST /accedi":   {"anonimo": 422, "admin": 422, "direttore": 422, "responsabile": 422, "nucleo": 422, "osservatore": 422},
	"POST /esci":     {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 303, "nucleo": 303, "osservatore": 303},
	// Sign-in with an OpenID Connect provider: none is configured here, so
	// 404 for everybody (oidc_test.go tests them with a provider).
	"POST /accedi/oidc":        {"anonimo": 404, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /accedi/oidc/ritorno": {"anonimo": 404, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},

	// ChangePassword: every role.
	"GET /profilo/password":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"POST /profilo/password": {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 422, "nucleo": 422, "osservatore": 422},

	// ReadCycle: every role.
	"GET /":                             {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 303, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}":                 {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/export.json":     {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/obiettivi/{id}":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/centri/{centre}": {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/obiettivi":       {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/cruscotto":       {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/piano.xlsx":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /modello-piano.xlsx":           {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/variazioni":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},

	// EditPlan, the plan as files: a workbook into an empty cycle (2023 has
	// a plan: 409 before the file is read), a JSON document as a new cycle
	// (an empty form asks for the file: 422).
	"GET /cicli/{year}/importa-foglio":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/importa-foglio": {"anonimo": 303, "admin": 409, "direttore": 409, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/importa":                {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/importa":               {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// EditPlan: admin and direttore.
	"GET /cicli/{year}/centri/{centre}/obiettivi/nuovo":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/centri/{centre}/obiettivi/nuovo": {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/obiettivi/{id}/modifica":          {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/modifica":         {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/obiettivi/{id}/elimina":           {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/elimina":          {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/sposta":           {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	// Activities and indicators (EditPlan), as objectives: an empty form
	// lacks the description or name (422) or the direction (422); deleting
	// one of a plan not yet approved deletes it (303, secDestructive).
	"GET /cicli/{year}/obiettivi/{id}/attivita/nuova":    {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/attivita/nuova":   {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/attivita/{aid}/modifica":          {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/attivita/{aid}/modifica":         {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/attivita/{aid}/elimina":           {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/attivita/{aid}/elimina":          {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/attivita/{aid}/sposta":           {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/obiettivi/{id}/indicatori/nuovo":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/indicatori/nuovo": {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/indicatori/{iid}/modifica":        {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/indicatori/{iid}/modifica":       {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/indicatori/{iid}/elimina":         {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/indicatori/{iid}/elimina":        {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/indicatori/{iid}/sposta":         {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	// An indicator's intermediate targets (EditPlan): an empty form changes
	// no target, and says so (303, nothing written).
	"GET /cicli/{year}/indicatori/{iid}/target":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/indicatori/{iid}/target": {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	// An indicator's neutralisation and override (Neutralise: the director
	// and the Nucleo; the override's fields are the director's): an empty
	// form changes nothing, and says so (303).
	"GET /cicli/{year}/indicatori/{iid}/misura":  {"anonimo": 303, "admin": 403, "direttore": 200, "responsabile": 403, "nucleo": 200, "osservatore": 403},
	"POST /cicli/{year}/indicatori/{iid}/misura": {"anonimo": 303, "admin": 403, "direttore": 303, "responsabile": 403, "nucleo": 303, "osservatore": 403},

	// The cycle, its periods and centres (EditPlan). Removals need their
	// confirmation (the button's value, or the year typed for a cycle), so
	// an empty form removes nothing: 422. Carrying 2023 over is refused
	// because the demo already has 2024: 409.
	"GET /cicli/nuovo":                            {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/nuovo":                           {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/impostazioni":              {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/impostazioni":             {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/aree-strategiche":          {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/aree-strategiche":         {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/periodi/{pid}/elimina":     {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/periodi/{pid}/elimina":    {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/elimina":                   {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/elimina":                  {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/riporta":                  {"anonimo": 303, "admin": 409, "direttore": 409, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/centri/nuovo":              {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/centri/nuovo":             {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/centri/{centre}/modifica":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/centri/{centre}/modifica": {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/centri/{centre}/elimina":   {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/centri/{centre}/elimina":  {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/centri/{centre}/sposta":   {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// ApprovePlan: direttore only. An empty form approves nothing: 422.
	"GET /cicli/{year}/approva":  {"anonimo": 303, "admin": 403, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/approva": {"anonimo": 303, "admin": 403, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// ManageUsers: admin only. An empty edit form lacks the name and the
	// role (422); a reset and a change of state show their confirmation
	// (GET), then the reset is done (200, the one-time password) and the
	// change of state, without the state asked for, is refused (422).
	"GET /admin/utenti":                {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /admin/utenti":               {"anonimo": 303, "admin": 422, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /admin/utenti/{id}/modifica":  {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /admin/utenti/{id}/modifica": {"anonimo": 303, "admin": 422, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /admin/utenti/{id}/password":  {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /admin/utenti/{id}/password": {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /admin/utenti/{id}/stato":     {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /admin/utenti/{id}/stato":    {"anonimo": 303, "admin": 422, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// Monitoring review. The overview and a centre's period: every role
	// reads them. Submitting needs a manager of that centre; the 2023
	// periods are closed (409) for him, another centre's manager gets 403.
	// Approving a period not sent is refused (409); returning without a
	// comment, reopening and a window without dates ask for them (422).
	// Notifications: every signed-in user, his own only (notification 1
	// is nobody's here: 404).
	"GET /cicli/{year}/monitoraggio":                                    {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/monitoraggio/{pid}/centri/{centre}":              {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"POST /cicli/{year}/monitoraggio/{pid}/centri/{centre}/invia":       {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 409, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/monitoraggio/{pid}/centri/{centre}/approva":     {"anonimo": 303, "admin": 403, "direttore": 409, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/monitoraggio/{pid}/centri/{centre}/restituisci": {"anonimo": 303, "admin": 403, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/monitoraggio/{pid}/centri/{centre}/riapri":      {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/periodi/{pid}/finestra":                          {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/periodi/{pid}/finestra":                         {"anonimo": 303, "admin": 422, "direttore": 422, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /notifiche":              {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"POST /notifiche/lette":       {"anonimo": 303, "admin": 303, "direttore": 303, "responsabile": 303, "nucleo": 303, "osservatore": 303},
	"POST /notifiche/{nid}/letta": {"anonimo": 303, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	// Monitoring entry. A responsabile lands on /mie-aree (GET / redirects
	// there). The entry form is the centre's manager's (WriteProgress for
	// the objective's centre: the demo's first responsabile is of the
	// objective's centre) and the director's, who corrects; anyone else 403.
	// An empty form is a blank draft: saved (303) by the director's
	// correction; the matrix's period is of 2023, closed to the manager (409).
	"GET /mie-aree": {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 200, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/obiettivi/{id}/periodi/{pid}/avanzamento":  {"anonimo": 303, "admin": 403, "direttore": 200, "responsabile": 200, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/obiettivi/{id}/periodi/{pid}/avanzamento": {"anonimo": 303, "admin": 403, "direttore": 303, "responsabile": 409, "nucleo": 403, "osservatore": 403},

	// The Relazione: every reader of the cycle reads it in every format;
	// the director writes its texts (an empty form changes nothing: 303) and
	// checks it.
	"GET /cicli/{year}/piano":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/piano.pdf":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/piano.docx": {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/piano.odt":  {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	// The director freezes the adopted Piano's next version: the demo's
	// plan is not approved, so there is none (303 back to the Piano).
	"POST /cicli/{year}/piano/congela":     {"anonimo": 303, "admin": 403, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/relazione":          {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione.pdf":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione.docx":     {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione.odt":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione.xlsx":     {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione.csv":      {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/relazione/testi":    {"anonimo": 303, "admin": 403, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/relazione/testi":   {"anonimo": 303, "admin": 403, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/relazione/verifica": {"anonimo": 303, "admin": 403, "direttore": 200, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// The mid-year monitoring report: every reader; the director sends it
	// (an empty form: the default period, 30/06, printed and sent: 303);
	// the Nucleo observes it (2023 at 30/06 not sent in its database: 409).
	// A sending's frozen PDF is every reader's, as the Relazione's versions;
	// none exists when it is requested (GET sorts before the director's
	// POST .../invia, which makes sending 1 of its own database, and the
	// identifier the matrix sends is 1): 404 for every reader.
	"GET /cicli/{year}/monitoraggio-intermedio":                            {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/monitoraggio-intermedio.pdf":                        {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"POST /cicli/{year}/monitoraggio-intermedio/invia":                     {"anonimo": 303, "admin": 403, "direttore": 303, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/monitoraggio-intermedio/invii/{n}/monitoraggio.pdf": {"anonimo": 303, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /cicli/{year}/monitoraggio-intermedio/osservazioni":               {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 403, "nucleo": 200, "osservatore": 403},
	"POST /cicli/{year}/monitoraggio-intermedio/osservazioni":              {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 403, "nucleo": 409, "osservatore": 403},

	// ReadAudit: admin and nucleo.
	"GET /registro": {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 200, "osservatore": 403},

	// The legal notices: the accessibility statement and the privacy
	// notice are public (every role and no session read them); EditLegal,
	// the administrator's form of both, is the admin's only: an empty form
	// lacks the status, the dates, the addresses and the texts (422).
	"GET /accessibilita": {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /privacy":       {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	// The guides of the roles: public, like the legal notices (they
	// describe the application, and help most where one cannot sign in).
	"GET /guida":              {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /guida/{ruolo}":      {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /admin/note-legali":  {"anonimo": 303, "admin": 200, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /admin/note-legali": {"anonimo": 303, "admin": 422, "direttore": 403, "responsabile": 403, "nucleo": 403, "osservatore": 403},

	// The Relazione's lifecycle. Every role reads its page and its PDF
	// preview; only the director sends (SendReport; the matrix's 2023 plan
	// is not approved, and a report is sent on an approved plan: 409) and
	// answers (comment 1 does not exist: 404); only the Nucleo comments
	// and validates (nothing sent yet: 409), and opens the validation form.
	// No version is decided yet: its files are 404 for all, and so are the
	// public page and its files, with or without a session.
	"GET /cicli/{year}/validazione":                             {"anonimo": 303, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /cicli/{year}/validazione/invia":                       {"anonimo": 303, "admin": 403, "direttore": 409, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/validazione/invia":                      {"anonimo": 303, "admin": 403, "direttore": 409, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"POST /cicli/{year}/validazione/commenti":                   {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 403, "nucleo": 409, "osservatore": 403},
	"POST /cicli/{year}/validazione/commenti/{cid}/risposta":    {"anonimo": 303, "admin": 403, "direttore": 404, "responsabile": 403, "nucleo": 403, "osservatore": 403},
	"GET /cicli/{year}/validazione/valida":                      {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 403, "nucleo": 200, "osservatore": 403},
	"POST /cicli/{year}/validazione/valida":                     {"anonimo": 303, "admin": 403, "direttore": 403, "responsabile": 403, "nucleo": 409, "osservatore": 403},
	"GET /cicli/{year}/validazione/versioni/{n}/relazione.pdf":  {"anonimo": 303, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /cicli/{year}/validazione/versioni/{n}/relazione.json": {"anonimo": 303, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /trasparenza":                                          {"anonimo": 200, "admin": 200, "direttore": 200, "responsabile": 200, "nucleo": 200, "osservatore": 200},
	"GET /trasparenza/relazione/{year}":                         {"anonimo": 404, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /trasparenza/piano/{year}/versioni/{n}/piano.pdf":      {"anonimo": 404, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
	"GET /trasparenza/relazione/{year}/versioni/{n}/{file}":     {"anonimo": 404, "admin": 404, "direttore": 404, "responsabile": 404, "nucleo": 404, "osservatore": 404},
}

// secPublic are the routes that need no session.
var secPublic = []string{"GET /healthz", "GET /static/*", "HEAD /static/*", "GET /accedi", "POST /accedi", "POST /esci",
	"POST /accedi/oidc", "GET /accedi/oidc/ritorno",
	"GET /trasparenza", "GET /trasparenza/relazione/{year}", "GET /trasparenza/relazione/{year}/versioni/{n}/{file}",
	"GET /trasparenza/piano/{year}/versioni/{n}/piano.pdf",
	"GET /accessibilita", "GET /privacy", "GET /guida", "GET /guida/{ruolo}"}

// TestRouteMatrix sends every route of the router as every role and compares
// the status with routeMatrix; it fails for a route of the router that the
// table lacks and for a row of the table that the router lacks. Each role
// has a database of its own, so what one role's posts change cannot change
// another's answers.
func TestRouteMatrix(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	routes := secRoutes(t, e.handler)
	if len(routes) < 10 {
		t.Fatalf("chi.Walk found only %d routes: %v", len(routes), routes)
	}
	for _, r := range routes {
		if _, ok := routeMatrix[r]; !ok {
			t.Errorf("the router serves %q, which routeMatrix lacks: add a decision for it (the status of each of %v)", r, secRoles)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(routeMatrix)) {
		if !slices.Contains(routes, r) {
			t.Errorf("routeMatrix has %q, which the router does not serve: remove the row or add the route", r)
		}
		for _, role := range secRoles {
			if _, ok := routeMatrix[r][role]; !ok {
				t.Errorf("routeMatrix[%q] has no status for %s", r, role)
			}
		}
		if len(routeMatrix[r]) != len(secRoles) {
			t.Errorf("routeMatrix[%q] has %d entries, want one per role %v", r, len(routeMatrix[r]), secRoles)
		}
	}

	t.Run("other methods", func(t *testing.T) {
		t.Parallel()
		served := map[string][]string{} // pattern -> methods
		for _, r := range routes {
			m, p, _ := strings.Cut(r, " ")
			served[p] = append(served[p], m)
		}
		for _, role := range []string{secAnonymous, "admin"} {
			c := e.signedIn(t, role)
			for _, p := range slices.Sorted(maps.Keys(served)) {
				for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
					if slices.Contains(served[p], m) {
						continue
					}
					var form url.Values
					if m != http.MethodGet && m != http.MethodHead {
						form = url.Values{}
					}
					path := e.path(t, m+" "+p)
					if r := c.do(m, path, form, nil); r.Status != http.StatusMethodNotAllowed {
						t.Errorf("%s %s as %s: status %d, want 405", m, path, role, r.Status)
					}
				}
			}
		}
	})

	for _, role := range secRoles {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			e := newSecEnv(t, server.Config{})
			c := e.signedIn(t, role)
			for _, route := range secOrder(routes) {
				want, ok := routeMatrix[route][role]
				if !ok {
					continue // reported above
				}
				method, _, _ := strings.Cut(route, " ")
				path := e.path(t, route)
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{}
				}
				client := c
				if route == "POST /esci" {
					client = e.signedIn(t, role) // signing out must not end c's session
				}
				// A refused write must leave every table as it was.
				refused := method != http.MethodGet && method != http.MethodHead && !slices.Contains(secPublic, route) &&
					(want == http.StatusForbidden || role == secAnonymous)
				if method == http.MethodPost {
					form = client.withVersion(path, form) // as the page would send it
				}
				var before map[string]string
				if refused {
					before = secSnapshot(t, e.pool)
				}
				r := client.do(method, path, form, nil)
				if refused {
					secRequireUnchanged(t, fmt.Sprintf("%s %s refused to %s", method, path, role), before, secSnapshot(t, e.pool), "sessions")
				}
				if r.Status != want {
					t.Errorf("%s %s as %s: status %d, want %d (Location %q); body:\n%.600s",
						method, path, role, r.Status, want, r.Location(), r.Body)
					continue
				}
				checkMatrixAnswer(t, role, route, method, path, r)
			}
			// The session survived every request but /esci (which had its own).
			if role != secAnonymous {
				c.requireSignedIn("after every route")
			}
		})
	}
}

// checkMatrixAnswer checks what goes with the status: where a redirect
// leads, and that a refusal is the Italian error page.
func checkMatrixAnswer(t *testing.T, role, route, method, path string, r *secResponse) {
	t.Helper()
	public := slices.Contains(secPublic, route)
	switch r.Status {
	case http.StatusSeeOther:
		loc := r.Location()
		var want string
		switch {
		case role == secAnonymous && !public && method == http.MethodGet:
			want = "/accedi?next=" + url.QueryEscape(path)
		case role == secAnonymous && !public:
			want = "/accedi"
		case route == "POST /esci":
			want = "/accedi"
		case route == "GET /accedi":
			want = "/"
		}
		if want != "" && loc != want {
			t.Errorf("%s %s as %s: redirect to %q, want %q", method, path, role, loc, want)
		}
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
			t.Errorf("%s %s as %s: redirect off the site, to %q", method, path, role, loc)
		}
	case http.StatusForbidden:
		if !strings.Contains(r.Body, "Accesso negato") || !strings.Contains(r.Body, "Il suo ruolo non consente questa operazione.") {
			t.Errorf("%s %s as %s: 403 without the Italian explanation:\n%.800s", method, path, role, r.Body)
		}
	case http.StatusOK:
		if role == secAnonymous && !public {
			t.Errorf("%s %s answered 200 with no session", method, path)
		}
	}
}
