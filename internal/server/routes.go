package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"traguardo/web/static"
)

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer, securityHeaders)
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("La pagina richiesta non esiste.")
	}))
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Metodo non consentito", http.StatusMethodNotAllowed)
	})

	r.Get("/healthz", s.healthz)
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(http.FileServerFS(static.FS))))

	r.Get("/", s.handle(s.home))
	r.Get("/cicli/{year}", s.handle(s.cycleShow))
	r.Get("/cicli/{year}/export.json", s.handle(s.cycleExport))
	r.Get("/cicli/{year}/obiettivi/{id}", s.handle(s.objectiveShow))
	return r
}
