package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"traguardo/internal/auth"
	"traguardo/web/static"
)

// routes is the whole URL space. Every route outside the public group states
// the permission it needs; the route matrix test fails for a route added
// without a decision.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		http.Error(w, "Richiesta rifiutata: proviene da un altro sito.", http.StatusForbidden)
	}))
	r.Use(middleware.Recoverer, s.securityHeaders, limitBody, cop.Handler)
	// The error page renders through the layout, which reads the session
	// (flash, signed-in user): without LoadAndSave it panics.
	r.NotFound(s.sessions.LoadAndSave(s.authenticate(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("La pagina richiesta non esiste.")
	}))).ServeHTTP)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Metodo non consentito", http.StatusMethodNotAllowed)
	})

	// Public: no session needed.
	r.Get("/healthz", s.healthz)
	// Read-only: http.FileServer would answer PUT, DELETE and the rest with the file.
	files := http.StripPrefix("/static/", staticFiles(http.FileServerFS(static.FS)))
	r.Method(http.MethodGet, "/static/*", files)
	r.Method(http.MethodHead, "/static/*", files)

	// The two routes that take a file: a larger body, multipart.
	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.authenticate, s.uploadInput, s.require(auth.EditPlan))
		r.Post("/cicli/{year}/importa-foglio", s.handle(s.planUpload))
		r.Post("/cicli/importa", s.handle(s.cycleImport))
	})

	// Everything else: ordinary forms only.
	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.authenticate, s.formInput)
		r.Get("/accedi", s.handle(s.signInForm))
		r.Post("/accedi", s.handle(s.signIn))
		r.Post("/esci", s.handle(s.signOut))

		r.With(s.require(auth.ChangePassword)).Get("/profilo/password", s.handle(s.passwordForm))
		r.With(s.require(auth.ChangePassword)).Post("/profilo/password", s.handle(s.passwordChange))

		r.With(s.require(auth.ReadCycle)).Get("/", s.handle(s.home))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}", s.handle(s.cycleShow))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/export.json", s.handle(s.cycleExport))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/piano.xlsx", s.handle(s.planWorkbook))
		r.With(s.require(auth.ReadCycle)).Get("/modello-piano.xlsx", s.handle(s.planTemplate))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/obiettivi/{id}", s.handle(s.objectiveShow))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/variazioni", s.handle(s.variationsList))

		// Approving the plan: the director.
		r.With(s.require(auth.ApprovePlan)).Get("/cicli/{year}/approva", s.handle(s.planApprove))
		r.With(s.require(auth.ApprovePlan)).Post("/cicli/{year}/approva", s.handle(s.planApprove))

		// The plan: director and admin.
		r.Group(func(r chi.Router) {
			r.Use(s.require(auth.EditPlan))
			r.Get("/cicli/{year}/centri/{centre}/obiettivi/nuovo", s.handle(s.objectiveNew))
			r.Post("/cicli/{year}/centri/{centre}/obiettivi/nuovo", s.handle(s.objectiveNew))
			r.Get("/cicli/{year}/obiettivi/{id}/modifica", s.handle(s.objectiveEdit))
			r.Post("/cicli/{year}/obiettivi/{id}/modifica", s.handle(s.objectiveEdit))
			r.Get("/cicli/{year}/obiettivi/{id}/elimina", s.handle(s.objectiveDelete))
			r.Post("/cicli/{year}/obiettivi/{id}/elimina", s.handle(s.objectiveDelete))
			r.Post("/cicli/{year}/obiettivi/{id}/sposta", s.handle(s.objectiveMove))

			// The plan as files: a workbook into an empty cycle, a v1
			// document as a new cycle (their POSTs are above).
			r.Get("/cicli/{year}/importa-foglio", s.handle(s.planUpload))
			r.Get("/cicli/importa", s.handle(s.cycleImport))

			// The cycle, its periods and its centres.
			r.Get("/cicli/nuovo", s.handle(s.cycleNew))
			r.Post("/cicli/nuovo", s.handle(s.cycleNew))
			r.Get("/cicli/{year}/impostazioni", s.handle(s.cycleSettings))
			r.Post("/cicli/{year}/impostazioni", s.handle(s.cycleSettings))
			r.Get("/cicli/{year}/periodi/{pid}/elimina", s.handle(s.periodDelete))
			r.Post("/cicli/{year}/periodi/{pid}/elimina", s.handle(s.periodDelete))
			r.Get("/cicli/{year}/elimina", s.handle(s.cycleDelete))
			r.Post("/cicli/{year}/elimina", s.handle(s.cycleDelete))
			r.Post("/cicli/{year}/riporta", s.handle(s.cycleCarryOver))
			r.Get("/cicli/{year}/centri/nuovo", s.handle(s.centreNew))
			r.Post("/cicli/{year}/centri/nuovo", s.handle(s.centreNew))
			r.Get("/cicli/{year}/centri/{centre}/modifica", s.handle(s.centreEdit))
			r.Post("/cicli/{year}/centri/{centre}/modifica", s.handle(s.centreEdit))
			r.Get("/cicli/{year}/centri/{centre}/elimina", s.handle(s.centreDelete))
			r.Post("/cicli/{year}/centri/{centre}/elimina", s.handle(s.centreDelete))
			r.Post("/cicli/{year}/centri/{centre}/sposta", s.handle(s.centreMove))
			r.Get("/cicli/{year}/obiettivi/{id}/attivita/nuova", s.handle(s.activityNew))
			r.Post("/cicli/{year}/obiettivi/{id}/attivita/nuova", s.handle(s.activityNew))
			r.Get("/cicli/{year}/attivita/{aid}/modifica", s.handle(s.activityEdit))
			r.Post("/cicli/{year}/attivita/{aid}/modifica", s.handle(s.activityEdit))
			r.Get("/cicli/{year}/attivita/{aid}/elimina", s.handle(s.activityDelete))
			r.Post("/cicli/{year}/attivita/{aid}/elimina", s.handle(s.activityDelete))
			r.Post("/cicli/{year}/attivita/{aid}/sposta", s.handle(s.activityMove))
			r.Get("/cicli/{year}/obiettivi/{id}/indicatori/nuovo", s.handle(s.indicatorNew))
			r.Post("/cicli/{year}/obiettivi/{id}/indicatori/nuovo", s.handle(s.indicatorNew))
			r.Get("/cicli/{year}/indicatori/{iid}/modifica", s.handle(s.indicatorEdit))
			r.Post("/cicli/{year}/indicatori/{iid}/modifica", s.handle(s.indicatorEdit))
			r.Get("/cicli/{year}/indicatori/{iid}/elimina", s.handle(s.indicatorDelete))
			r.Post("/cicli/{year}/indicatori/{iid}/elimina", s.handle(s.indicatorDelete))
			r.Post("/cicli/{year}/indicatori/{iid}/sposta", s.handle(s.indicatorMove))
		})

		r.With(s.require(auth.ManageUsers)).Get("/admin/utenti", s.handle(s.usersList))
		r.With(s.require(auth.ManageUsers)).Post("/admin/utenti", s.handle(s.userCreate))
		r.With(s.require(auth.ManageUsers)).Post("/admin/utenti/{id}/password", s.handle(s.userResetPassword))
		r.With(s.require(auth.ManageUsers)).Post("/admin/utenti/{id}/stato", s.handle(s.userSetActive))

		r.With(s.require(auth.ReadAudit)).Get("/registro", s.handle(s.auditLog))
	})
	return r
}
