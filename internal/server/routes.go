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
	r.Use(middleware.Recoverer, securityHeaders, cop.Handler)
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("La pagina richiesta non esiste.")
	}))
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Metodo non consentito", http.StatusMethodNotAllowed)
	})

	// Public: no session needed.
	r.Get("/healthz", s.healthz)
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(http.FileServerFS(static.FS))))

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.authenticate, noStore)
		r.Get("/accedi", s.handle(s.signInForm))
		r.Post("/accedi", s.handle(s.signIn))
		r.Post("/esci", s.handle(s.signOut))

		r.With(s.require(auth.ChangePassword)).Get("/profilo/password", s.handle(s.passwordForm))
		r.With(s.require(auth.ChangePassword)).Post("/profilo/password", s.handle(s.passwordChange))

		r.With(s.require(auth.ReadCycle)).Get("/", s.handle(s.home))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}", s.handle(s.cycleShow))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/export.json", s.handle(s.cycleExport))
		r.With(s.require(auth.ReadCycle)).Get("/cicli/{year}/obiettivi/{id}", s.handle(s.objectiveShow))
	})
	return r
}
